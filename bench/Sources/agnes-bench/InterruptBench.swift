import DuckDB
import Foundation
import Synchronization

/// `interrupt <iterations>`: how long a never-ending DuckDB query takes to stop after its task is
/// cancelled, measured where DuckDB returns (on the connection's queue), next to the floor of a
/// trivial `SELECT 1` round trip through the same connection. (Tests only check that it stops.)
enum InterruptBench {
    static let endless = "SELECT sum(hash(a.range * b.range)) FROM range(1000000) a, range(1000000) b"

    static func run(_ arguments: [String]) async throws {
        guard arguments.count == 1, let iterations = Int(arguments[0]), iterations > 0 else {
            throw BenchUsage("interrupt <iterations>")
        }
        let connection = try SerializedConnection(database: try Database(options: ["threads": "2"]))
        var stops: [Double] = []
        var floors: [Double] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try await connection.run { try $0.query("SELECT 1") }
            floors.append(milliseconds(since: start))

            let returned = Mutex<UInt64>(0)
            let (started, signal) = AsyncStream<Void>.makeStream()
            let task = Task {
                try await connection.run { connection in
                    signal.yield()
                    defer { returned.withLock { $0 = DispatchTime.now().uptimeNanoseconds } }
                    return try connection.query(Self.endless)
                }
            }
            for await _ in started { break }
            try await Task.sleep(for: .milliseconds(200))  // let it run: a bench, not a test
            let cancelled = DispatchTime.now().uptimeNanoseconds
            task.cancel()
            _ = await task.result
            stops.append(Double(returned.withLock { $0 } - cancelled) / 1e6)
        }
        stops.sort()
        floors.sort()
        print(
            String(
                format: "SELECT 1 round trip (floor)   median %.2f ms  max %.2f ms  (%d runs)",
                floors[floors.count / 2],
                floors[floors.count - 1], floors.count))
        print(
            String(
                format: "stop after cancel             median %.2f ms  max %.2f ms  (%d runs)", stops[stops.count / 2],
                stops[stops.count - 1], stops.count))
    }
}
