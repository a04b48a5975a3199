import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to the server under test, for speaking HTTP the way an attacker does: any
/// `Host` header, half a request, a body that never ends. Blocking calls run on a dispatch queue, never
/// on the test's cooperative threads.
final class RawSocket: @unchecked Sendable {
    // @unchecked: the descriptor is only used by one call at a time (each test drives its socket
    // sequentially) and closed once.
    private let descriptor: Int32
    private var buffered = [UInt8]()

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A parsed response.
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: String
    }

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            Glibc.close(descriptor)
            throw Failure(description: "connect: \(errno)")
        }
    }

    private var isClosed = false

    deinit { close() }

    /// Closes our end (also done when the socket is released).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(descriptor)
    }

    /// Writes all of `text`; false when the peer has closed.
    @discardableResult
    func send(_ text: String) -> Bool {
        send(Array(text.utf8))
    }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// Sends one request with the given head lines (`Host` among them when wanted) and body.
    @discardableResult
    func request(_ method: String, _ path: String, headers: [String], body: String = "") -> Bool {
        var text = "\(method) \(path) HTTP/1.1\r\n"
        for header in headers { text += header + "\r\n" }
        if !body.isEmpty || method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        return send(text + "\r\n" + body)
    }

    /// Reads one HTTP/1.1 response (head, and a body of its `Content-Length`), waiting at most `limit`.
    func response(limit: Duration = .seconds(30)) async throws -> Response {
        try await offloaded { [self] in
            let deadline = ContinuousClock.now + limit
            while true {
                if let end = headEnd() {
                    let head = String(decoding: buffered[..<end], as: UTF8.self)
                    var lines = head.components(separatedBy: "\r\n")
                    let statusLine = lines.removeFirst().split(separator: " ")
                    guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
                        throw Failure(description: "not an HTTP response: \(head)")
                    }
                    var headers: [String: String] = [:]
                    for line in lines {
                        guard let colon = line.firstIndex(of: ":") else { continue }
                        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                            .trimmingCharacters(in: .whitespaces)
                    }
                    let length = Int(headers["content-length"] ?? "0") ?? 0
                    while buffered.count < end + 4 + length {
                        guard try fill(until: deadline) else { throw Failure(description: "closed inside a body") }
                    }
                    let body = String(decoding: buffered[(end + 4)..<(end + 4 + length)], as: UTF8.self)
                    buffered.removeFirst(end + 4 + length)
                    return Response(status: status, headers: headers, body: body)
                }
                guard try fill(until: deadline) else {
                    throw Failure(description: "closed before a response (\(buffered.count) bytes)")
                }
            }
        }
    }

    /// Waits (at most `limit`) for the server to close the connection; true when it did. Bytes that
    /// arrive meanwhile are kept for ``response(limit:)``.
    func closedByServer(limit: Duration = .seconds(30)) async throws -> Bool {
        try await offloaded { [self] in
            let deadline = ContinuousClock.now + limit
            do {
                while try fill(until: deadline) {}
                return true
            } catch {
                return false  // still open at the deadline
            }
        }
    }

    /// After the server ended its half of the stream: whether it also stops taking our bytes (closes
    /// for good, so sending fails) within `limit`.
    func refusesFurtherBytes(limit: Duration = .seconds(30)) async -> Bool {
        (try? await offloaded { [self] in
            let deadline = ContinuousClock.now + limit
            let probe = [UInt8](repeating: 0x78, count: 1024)
            while ContinuousClock.now < deadline {
                if !send(probe) { return true }
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                if poll(&poller, 1, 100) > 0 {
                    var sink = [UInt8](repeating: 0, count: 65536)
                    let count = sink.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                    if count < 0, errno != EINTR, errno != EAGAIN { return true }
                }
            }
            return false
        }) ?? false
    }

    private func headEnd() -> Int? {
        guard buffered.count >= 4 else { return nil }
        for index in 0...(buffered.count - 4)
        where buffered[index] == 13 && buffered[index + 1] == 10 && buffered[index + 2] == 13
            && buffered[index + 3] == 10
        {
            return index
        }
        return nil
    }

    /// Reads what is there (waiting until `deadline`); false at end of stream or a reset.
    private func fill(until deadline: ContinuousClock.Instant) throws -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { throw Failure(description: "timed out") }
        let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + 1)
        let ready = poll(&poller, 1, milliseconds)
        if ready == 0 { throw Failure(description: "timed out") }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 { return false }
        buffered += chunk[..<count]
        return true
    }

    private func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
