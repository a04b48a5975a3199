import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import Logging

/// `agnes-bench web DIR [TABLES] [ROUNDS]`: the web UI's pages over HTTP for an analyst granted TABLES
/// registered tables: `/catalog` (all of them, by source and bucket), `/catalog/orders` (the demo
/// table's real profile, drawn) and `/dashboard`, with each page's size as sent and gzipped, next to
/// `GET /api/version` (the floor of a round trip). Target: p50 < 10 ms, pages < 100 KB.
enum WebBench {
    static func run(_ arguments: [String]) async throws {
        guard let path = arguments.first else { throw BenchFailure("usage: agnes-bench web DIR [TABLES] [ROUNDS]") }
        let count = arguments.count > 1 ? Int(arguments[1]) ?? 1_000 : 1_000
        let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let server = try await BenchServer.start(directory: URL(fileURLWithPath: path), big: nil, logger: logger)
        defer { server.stop() }
        let registry = DuckDBTableRegistryRepository(store: server.services.store)
        var ids = ["orders", "customers", "events"]
        for number in 0..<count - ids.count {
            let id = String(format: "table_%04d", number)
            _ = try await registry.register(
                TableRegistration(
                    id: id, name: id, sourceType: "keboola", bucket: "in.c-bucket-\(number % 20)",
                    description: "Bench table \(number): what it holds, in a sentence or two, as admins write them."))
            ids.append(id)
        }
        let token = try await server.analyst(tables: ids)
        print("Web UI pages (an analyst granted \(ids.count) tables; \(rounds) rounds each)")
        for (label, page) in [
            ("GET /catalog", "/catalog"), ("GET /catalog/orders (profile)", "/catalog/orders"),
            ("GET /dashboard", "/dashboard"), ("GET /api/version (floor)", "/api/version"),
        ] {
            for _ in 0..<10 { try await server.get(page, token: token) }
            var times: [Double] = []
            var size = 0
            for _ in 0..<rounds {
                let began = ContinuousClock.now
                size = try await server.get(page, token: token)
                times.append(JiraBench.seconds(ContinuousClock.now - began))
            }
            times.sort()
            let gzipped = try await server.get(page, token: token, acceptEncoding: "gzip")
            print(
                "  \(label.padding(toLength: 32, withPad: " ", startingAt: 0)) p50 \(JiraBench.msText(JiraBench.percentile(times, 0.5))) p99 \(JiraBench.msText(JiraBench.percentile(times, 0.99)))   \(size / 1024) KB (\(gzipped / 1024) KB gzipped)"
            )
        }
        print("  targets: p50 < 10 ms; pages < 100 KB")
    }
}
