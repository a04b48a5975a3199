import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import Logging

/// `agnes-bench web DIR [TABLES] [ROUNDS]`: the web UI's pages over HTTP with TABLES registered tables,
/// for an analyst granted all of them (`/catalog`: a page of 100 of them by source and bucket, and a
/// search; `/catalog/orders`: the demo table's real profile, drawn; the dashboard, the query console,
/// corporate memory, the profile and tokens) and for an admin (every admin page), with each page's size
/// as sent and gzipped, next to `GET /api/version` (the floor of a round trip). Target: p50 < 10 ms,
/// pages < 100 KB.
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
        let analyst = try await server.analyst(tables: ids)
        let admin = try await server.admin()
        print("Web UI pages (\(ids.count) tables, an analyst granted all of them; \(rounds) rounds each)")
        let pages: [(label: String, path: String, token: String)] = [
            ("GET /catalog", "/catalog", analyst), ("GET /catalog?q= (search)", "/catalog?q=table_01", analyst),
            ("GET /catalog/orders (profile)", "/catalog/orders", analyst), ("GET /dashboard", "/dashboard", analyst),
            ("GET /query", "/query", analyst), ("GET /corporate-memory", "/corporate-memory", analyst),
            ("GET /profile", "/profile", analyst), ("GET /tokens", "/tokens", analyst),
            ("GET /admin/tables (admin)", "/admin/tables", admin),
            ("GET /admin/access (admin)", "/admin/access", admin),
            ("GET /admin/users (admin)", "/admin/users", admin),
            ("GET /admin/sync-runs (admin)", "/admin/sync-runs", admin),
            ("GET /admin/scheduler (admin)", "/admin/scheduler", admin),
            ("GET /corporate-memory/admin", "/corporate-memory/admin", admin),
            ("GET /admin/server-config", "/admin/server-config", admin),
            ("GET /admin/prompts", "/admin/prompts", admin),
            ("GET /api/version (floor)", "/api/version", analyst),
        ]
        for (label, page, token) in pages {
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
                "  \(label.padding(toLength: 34, withPad: " ", startingAt: 0)) p50 \(JiraBench.msText(JiraBench.percentile(times, 0.5))) p99 \(JiraBench.msText(JiraBench.percentile(times, 0.99)))   \(size / 1024) KB (\(gzipped / 1024) KB gzipped)"
            )
        }
        print("  targets: p50 < 10 ms; pages < 100 KB")
    }
}
