import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy on 127.0.0.1 that caps each connection's download direction at `bytesPerSecond`:
/// a model of a wide-area link, where one TCP stream gets a fraction of the bandwidth (latency,
/// per-flow shaping). Both clients under comparison go through it; it favours neither.
final class ThrottledProxy: @unchecked Sendable {
    // @unchecked: `listener` and `port` are set once in init; threads only read them.
    let port: Int
    private let listener: Int32
    /// Bytes sent from the upstream to the clients so far.
    private let counter = Counter()
    var bytesDown: Int { counter.total }

    final class Counter: Sendable {
        private let value = Mutex(0)
        var total: Int { value.withLock { $0 } }
        func add(_ count: Int) { value.withLock { $0 += count } }
    }

    init(upstreamPort: Int, bytesPerSecond: Int) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw BenchFailure("proxy: cannot listen") }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: local.sin_port))
        let counter = self.counter
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var target = Self.loopback(port: upstreamPort)
                let connected = withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                guard connected == 0 else {
                    close(client)
                    close(server)
                    continue
                }
                Thread.detachNewThread { Self.pump(from: client, to: server, rate: nil) }
                Thread.detachNewThread { Self.pump(from: server, to: client, rate: bytesPerSecond, counter: counter) }
            }
        }
    }

    /// Copies bytes until either side closes, at most `rate` bytes per second.
    static func pump(from source: Int32, to destination: Int32, rate: Int?, counter: Counter? = nil) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let start = Date()
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + sent, count - sent) }
                if written <= 0 { break }
                sent += written
            }
            if sent < count { break }
            total += count
            counter?.add(count)
            if let rate {
                let due = Double(total) / Double(rate) - Date().timeIntervalSince(start)
                if due > 0 { usleep(useconds_t(due * 1_000_000)) }
            }
        }
        shutdown(destination, Int32(SHUT_WR))
        shutdown(source, Int32(SHUT_RD))
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
