import Foundation
import Synchronization

/// A TCP proxy on 127.0.0.1 that forwards every byte a client sends to `upstream`, but at most
/// `budget` bytes (over all connections) of what comes back, then holds the rest: a download through
/// it stops at a known point and stays there, whatever the machine's speed, until the test cuts it
/// with ``cut()`` (every connection closed, as when the server dies).
///
/// ```swift
/// let proxy = try StallingProxy(upstreamPort: server.port, budget: 2 << 20)
/// // … start a download against http://127.0.0.1:\(proxy.port), await proxy.stalled() …
/// proxy.cut()
/// ```
public final class StallingProxy: Sendable {
    private struct State {
        var remaining: Int
        var sockets: Set<Int32> = []
        var isCut = false
        var isStalled = false
    }

    /// The port clients connect to.
    public let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let state: Mutex<State>

    /// Listens on a free port of 127.0.0.1 and forwards to `127.0.0.1:upstreamPort`.
    public init(upstreamPort: Int, budget: Int) throws {
        self.upstreamPort = upstreamPort
        self.state = Mutex(State(remaining: budget))
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw ProxyError("socket") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw ProxyError("bind/listen")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Waits until the budget is spent and a response is being held (bounded: false after `timeout`).
    public func stalled(timeout: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.isStalled }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Closes every connection and stops accepting new ones.
    public func cut() {
        let sockets = state.withLock { state -> Set<Int32> in
            state.isCut = true
            return state.sockets
        }
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            let admitted = state.withLock { state -> Bool in
                guard !state.isCut, connected == 0 else { return false }
                state.sockets.formUnion([client, upstream])
                return true
            }
            guard admitted else {
                close(client)
                close(upstream)
                continue
            }
            Thread { [self] in pump(from: client, to: upstream, limited: false) }.start()
            Thread { [self] in pump(from: upstream, to: client, limited: true) }.start()
        }
    }

    private func pump(from source: Int32, to target: Int32, limited: Bool) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var allowed = buffer.count
            if limited {
                allowed = state.withLock { state in
                    if state.remaining == 0 { state.isStalled = true }
                    return min(state.remaining, buffer.count)
                }
                if allowed == 0 {
                    // Hold: read nothing more until the test cuts the connection.
                    while !state.withLock({ $0.isCut }) { usleep(2_000) }
                    break
                }
            }
            let count = read(source, &buffer, allowed)
            guard count > 0 else { break }
            if limited { state.withLock { $0.remaining -= count } }
            var sent = 0
            while sent < count {
                let written = buffer[sent..<count].withUnsafeBytes { send(target, $0.baseAddress, count - sent, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { return finish(source, target) }
                sent += written
            }
        }
        finish(source, target)
    }

    private func finish(_ source: Int32, _ target: Int32) {
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(target, Int32(SHUT_RDWR))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    deinit {
        cut()
        close(listener)
        for socket in state.withLock({ $0.sockets }) { close(socket) }
    }
}

/// A proxy socket call that failed.
public struct ProxyError: Error, CustomStringConvertible {
    public let description: String
    init(_ call: String) { description = "proxy: \(call) failed (errno \(errno))" }
}
