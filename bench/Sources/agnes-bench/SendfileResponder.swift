import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The floor of an HTTP download over loopback: a bare responder that answers each request with one
/// file through `sendfile(2)` (no copy through user space, no framework), one connection at a time.
/// `curl` against it shows what the loopback and the client alone allow on this machine.
final class SendfileResponder: @unchecked Sendable {
    // @unchecked: the listening socket and file are set in init and only read by the one accept thread.
    let port: Int
    private let listener: Int32
    private let file: URL

    init(serving file: URL) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchFailure("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else { throw BenchFailure("bind/listen failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.file = file
        self.listener = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in serve() }.start()
    }

    /// Accepts connections until the listener is closed.
    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            respond(on: connection)
            close(connection)
        }
    }

    private func respond(on connection: Int32) {
        var request = [UInt8](repeating: 0, count: 65_536)
        var received = 0
        while received < request.count {
            let count = request.withUnsafeMutableBytes {
                read(connection, $0.baseAddress! + received, $0.count - received)
            }
            guard count > 0 else { return }
            received += count
            if String(decoding: request[..<received], as: UTF8.self).contains("\r\n\r\n") { break }
        }
        let descriptor = open(file.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        let header = Array("HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\nConnection: close\r\n\r\n".utf8)
        guard header.withUnsafeBytes({ write(connection, $0.baseAddress, $0.count) }) == header.count else { return }
        var offset = off_t(0)
        while offset < size {
            guard sendfile(connection, descriptor, &offset, Int(size - offset)) > 0 else { return }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
