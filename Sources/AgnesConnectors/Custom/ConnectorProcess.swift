import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one program to its end, bounded: its own process group (so that everything it starts can be
/// stopped together), exactly the environment it is given, a working directory, `/dev/null` as standard
/// input, and the last few KB of its standard output and error kept for the report.
///
/// Past the timeout (or on cancellation) the whole group gets SIGTERM, then SIGKILL after a grace
/// period. When the program itself ends, whatever it left running in its group is killed too. A process
/// that leaves the group on purpose (`setsid`) is out of reach: this bounds a connector, it does not
/// sandbox one (it runs with the server's user and permissions).
///
/// Blocking: call ``run(cancellation:)`` off the cooperative pool.
///
/// ```swift
/// let ending = try ConnectorProcess(
///     executable: "/usr/bin/python3", arguments: ["/srv/connectors/crm/extractor.py"],
///     environment: ["PATH": "/usr/bin:/bin"], workingDirectory: output, timeout: .seconds(600)
/// ).run()
/// ```
struct ConnectorProcess: Sendable {
    /// How the process ended.
    enum Ending: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it (not one of ours).
        case signalled(Int32)
        /// It outlived the timeout and was killed.
        case timedOut
        /// The run was cancelled and it was killed.
        case cancelled
        /// It ended, but its status could not be read (something else in the process reaped it).
        case unknown
    }

    /// What a run gave.
    struct Result: Sendable {
        let ending: Ending
        /// The end of its standard error (at most ``tailBytes``), decoded leniently.
        let standardErrorTail: String
        /// The end of its standard output (at most ``tailBytes``).
        let standardOutputTail: String
    }

    /// How much of each output stream is kept.
    static let tailBytes = 4096

    /// Absolute path of the program.
    var executable: String
    /// Its arguments (without `argv[0]`, which is the executable).
    var arguments: [String]
    /// Its whole environment.
    var environment: [String: String]
    /// Its working directory.
    var workingDirectory: URL
    /// How long it may run.
    var timeout: Duration
    /// How long it has between SIGTERM and SIGKILL.
    var gracePeriod: Duration = .seconds(5)

    /// Starts the program and waits for its end, the timeout or `cancellation`. Throws only when it
    /// cannot be started.
    func run(cancellation: CancellationFlag = CancellationFlag()) throws(CustomConnectorError) -> Result {
        let clock = ContinuousClock()
        let output = try Self.pipe()
        let errors: (read: Int32, write: Int32)
        do { errors = try Self.pipe() } catch {
            close(output.read)
            close(output.write)
            throw error
        }
        let pid: pid_t
        do {
            pid = try spawn(standardOutput: output.write, standardError: errors.write)
        } catch {
            for descriptor in [output.read, output.write, errors.read, errors.write] { close(descriptor) }
            throw error
        }
        close(output.write)
        close(errors.write)
        defer {
            close(output.read)
            close(errors.read)
        }
        var streams = [OutputTail(descriptor: output.read), OutputTail(descriptor: errors.read)]
        let deadline = clock.now + timeout
        var ending: Ending?
        while ending == nil {
            let remaining = clock.now.duration(to: deadline)
            Self.drain(&streams, waitingAtMost: min(remaining, .milliseconds(50)))
            if Self.hasEnded(pid) {
                break
            } else if cancellation.isSet {
                ending = .cancelled
            } else if clock.now >= deadline {
                ending = .timedOut
            }
        }
        if ending != nil {
            // Ask the whole group to stop, then make sure.
            kill(-pid, SIGTERM)
            let killAt = clock.now + gracePeriod
            while !Self.hasEnded(pid), clock.now < killAt {
                Self.drain(&streams, waitingAtMost: .milliseconds(20))
            }
        }
        // The leader is a zombie now (or about to be): its pid cannot be reused until it is reaped, so
        // signalling its group reaches only what it left behind.
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        var reaped = waitpid(pid, &status, 0)
        while reaped < 0, errno == EINTR { reaped = waitpid(pid, &status, 0) }
        if ending != nil {
            // "Stopped" means gone: give what it left behind a moment to die (a SIGKILL lands
            // asynchronously). Orphans end as zombies of init, which may not reap them here; bounded.
            let goneBy = clock.now + .seconds(2)
            while kill(-pid, 0) == 0, clock.now < goneBy, Self.groupHasLiveMember(pid) { usleep(5_000) }
        }
        Self.drain(&streams, waitingAtMost: .zero)
        if ending == nil {
            let signal = status & 0x7f
            ending = reaped != pid ? .unknown : signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        }
        return Result(
            ending: ending!, standardErrorTail: streams[1].text, standardOutputTail: streams[0].text)
    }

    /// Whether a process of group `group` still runs (a zombie does not), from `/proc/<pid>/stat`.
    private static func groupHasLiveMember(_ group: pid_t) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        for entry in entries where entry.first?.isNumber == true {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the name: state, ppid, pgrp, …
            guard fields.count > 2, Int32(fields[2]) == group else { continue }
            if fields[0] != "Z" && fields[0] != "X" { return true }
        }
        return false
    }

    /// Whether the process has ended (without reaping it: `WNOWAIT`). A child that is no longer ours to
    /// wait for (`ECHILD`: something else reaped it) has ended too.
    private static func hasEnded(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return result == 0 ? info.si_signo == SIGCHLD : errno == ECHILD
    }

    /// Reads what is available on the streams, waiting up to `duration` for something to arrive.
    private static func drain(_ streams: inout [OutputTail], waitingAtMost duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let milliseconds = Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        let open = streams.indices.filter { !streams[$0].isClosed }
        var descriptors = open.map { pollfd(fd: streams[$0].descriptor, events: Int16(POLLIN), revents: 0) }
        // With both streams closed this only waits (poll on no descriptors is a sleep).
        guard poll(&descriptors, nfds_t(descriptors.count), milliseconds) > 0 else { return }
        for (position, index) in open.enumerated() where descriptors[position].revents != 0 {
            streams[index].readAvailable()
        }
    }

    private static func pipe() throws(CustomConnectorError) -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard Glibc.pipe(&descriptors) == 0 else {
            throw CustomConnectorError(.launch, "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(descriptors[0], F_SETFL, fcntl(descriptors[0], F_GETFL) | O_NONBLOCK)
        return (descriptors[0], descriptors[1])
    }
}

/// The last bytes one output stream of a process wrote.
struct OutputTail {
    let descriptor: Int32
    private(set) var isClosed = false
    private var bytes: [UInt8] = []

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Reads until nothing more is available now, keeping the last ``ConnectorProcess/tailBytes``.
    mutating func readAvailable() {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while !isClosed {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: buffer[0..<count])
                if bytes.count > ConnectorProcess.tailBytes {
                    bytes.removeFirst(bytes.count - ConnectorProcess.tailBytes)
                }
            } else if count == 0 {
                isClosed = true
            } else if errno != EINTR {
                if errno != EAGAIN && errno != EWOULDBLOCK { isClosed = true }
                return
            }
        }
    }

    /// The kept bytes as text (invalid UTF-8 repaired).
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Set once to ask a running ``ConnectorProcess`` to stop.
final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Asks for the stop.
    func set() { value.store(true, ordering: .relaxed) }

    /// Whether a stop was asked for.
    var isSet: Bool { value.load(ordering: .relaxed) }
}
