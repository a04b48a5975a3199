import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A load generator in the manner of `wrk`: keep-alive HTTP/1.1 connections on threads of their own,
/// each sending one prepared request at a time with blocking socket calls and timing it from the first
/// byte written to the last byte of the answer read. It costs the server's two cores a few microseconds
/// per request, so the figure is the server's, not a client library's; and its threads are neither the
/// server's event loops nor Swift's cooperative pool.
final class RawHTTPLoad: @unchecked Sendable {
    // @unchecked: each connection is only used by the one queue it belongs to, one batch at a time.
    private let connections: [Connection]
    private let queues: [DispatchQueue]
    private let request: [UInt8]
    private let expectedStatus: Int

    /// The number of connections (concurrent clients).
    var clients: Int { connections.count }

    /// Opens `clients` connections to 127.0.0.1:`port` for `request` (the whole request, head and body),
    /// whose every answer must have `expectedStatus`.
    init(port: Int, clients: Int, request: [UInt8], expectedStatus: Int = 200) throws {
        self.connections = try (0..<clients).map { _ in try Connection(port: port) }
        self.queues = (0..<clients).map { DispatchQueue(label: "agnes-bench.load.\($0)") }
        self.request = request
        self.expectedStatus = expectedStatus
    }

    /// A POST of `body` with `contentType`, without credentials.
    static func post(path: String, contentType: String, body: String) -> [UInt8] {
        Array(
            ("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(contentType)\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)").utf8)
    }

    /// A POST of a JSON body with a bearer token.
    static func post(path: String, json: [UInt8], token: String) -> [UInt8] {
        Array(
            ("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(json.count)\r\n\r\n").utf8) + json
    }

    /// Sends `requests` requests spread over the connections, concurrently; returns each one's latency in
    /// seconds. Any answer but 200 fails the run.
    func run(requests: Int) async throws -> [Double] {
        let clients = connections.count
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<clients {
                let share = requests / clients + (client < requests % clients ? 1 : 0)
                let (connection, queue, request) = (connections[client], queues[client], self.request)
                let status = expectedStatus
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        queue.async {
                            continuation.resume(
                                with: Result {
                                    try (0..<share).map { _ in try connection.roundTrip(request, expecting: status) }
                                })
                        }
                    }
                }
            }
            var all: [Double] = []
            for try await latencies in group { all += latencies }
            return all
        }
    }

    func close() {
        for connection in connections { connection.close() }
    }

    /// One keep-alive connection with a reusable receive buffer.
    final class Connection: @unchecked Sendable {
        // @unchecked: used by one queue at a time (see RawHTTPLoad).

        private let descriptor: Int32
        private var buffer = [UInt8](repeating: 0, count: 1 << 20)

        init(port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw BenchFailure("socket() failed") }
            var noDelay: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw BenchFailure("connect to 127.0.0.1:\(port) failed") }
        }

        func close() { _ = Glibc.close(descriptor) }

        /// Writes `request`, reads one whole answer (which must have `status` and a Content-Length);
        /// returns the seconds from the first byte written to the last byte read.
        func roundTrip(_ request: [UInt8], expecting status: Int = 200) throws -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            var written = 0
            while written < request.count {
                let count = request[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { throw BenchFailure("write failed") }
                written += count
            }
            var filled = 0
            var expected: Int?
            while expected.map({ filled < $0 }) ?? true {
                if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
                let count = buffer.withUnsafeMutableBytes {
                    read(descriptor, $0.baseAddress! + filled, $0.count - filled)
                }
                guard count > 0 else { throw BenchFailure("the server closed the connection") }
                filled += count
                if expected == nil, let end = headEnd(filled) {
                    let head = String(decoding: buffer[0..<end], as: UTF8.self)
                    guard head.hasPrefix("HTTP/1.1 \(status)") else {
                        throw BenchFailure(
                            "answered \(head.prefix(40)): \(String(decoding: buffer[end..<filled], as: UTF8.self))")
                    }
                    guard
                        let line = head.split(separator: "\r\n").first(where: {
                            $0.lowercased().hasPrefix("content-length:")
                        }),
                        let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
                    else { throw BenchFailure("an answer without Content-Length") }
                    expected = end + length
                }
            }
            guard filled == expected else { throw BenchFailure("more bytes than the answer announced") }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }

        /// The offset just past the blank line ending the head, once it has arrived.
        private func headEnd(_ filled: Int) -> Int? {
            guard filled >= 4 else { return nil }
            for index in 3..<filled
            where buffer[index] == 10 && buffer[index - 1] == 13 && buffer[index - 2] == 10 && buffer[index - 3] == 13 {
                return index + 1
            }
            return nil
        }
    }
}
