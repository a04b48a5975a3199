import AgnesCore
import AgnesServer
import AgnesStore
import DuckDB
import Foundation
import Logging

/// `agnes-bench memory DIR [ITEMS] [ROUNDS]`: `GET /api/memory/bundle` for an analyst over ITEMS
/// knowledge items (2 % mandatory, 80 % approved, the rest pending, rejected or personal; audiences
/// `all` and two groups; six domains): p50/p99 next to the repository's bundle query alone and to
/// `GET /api/version` (the floor of an HTTP round trip), and the first bundle after a store write (nothing
/// cached). Target p50 < 20 ms with 10,000 items.
enum MemoryBench {
    static func run(_ arguments: [String]) async throws {
        guard let path = arguments.first else { throw BenchFailure("usage: agnes-bench memory DIR [ITEMS] [ROUNDS]") }
        let count = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
        let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let server = try await BenchServer.start(
            directory: URL(fileURLWithPath: path), big: nil, logger: logger, wideSources: 1, wideTables: 1)
        defer { server.stop() }
        let store = server.services.store
        let items = DuckDBKnowledgeItemRepository(store: store)
        let seeded = ContinuousClock.now
        // One statement (10,000 single-row creates take minutes of commits); the same rows the
        // repository's `create` writes.
        try await store.write { connection in
            try connection.run(
                """
                INSERT INTO knowledge_items (\(DuckDBKnowledgeItemRepository.columns))
                SELECT printf('km_%012x', n), 'Rule ' || n || ' about revenue',
                       repeat('Revenue is booked net of VAT and returns. ', 1 + n % 6), 'business_logic', '["revenue"]',
                       CASE WHEN n % 50 = 0 THEN 'mandatory' WHEN n % 10 < 8 THEN 'approved'
                            WHEN n % 2 = 0 THEN 'pending' ELSE 'rejected' END,
                       '["ana@example.com"]', 'ana@example.com',
                       CASE WHEN n % 7 = 0 THEN 'group:finance' WHEN n % 11 = 0 THEN 'group:ops' ELSE 'all' END,
                       (n % 100) / 100.0,
                       ['finance', 'engineering', 'product', 'data', 'operations', 'infrastructure'][n % 6 + 1],
                       '[]', NULL, NULL, NULL, NULL, NULL, NULL, n % 97 = 0,
                       current_timestamp - to_days(CAST(n % 400 AS INTEGER)),
                       current_timestamp - to_days(CAST(n % 400 AS INTEGER))
                FROM range(?) t(n)
                """, [.bigint(Int64(count))])
        }
        let token = try await server.analyst(tables: [])
        let viewer = try await DuckDBUserRepository(store: store).list().last!.id
        print("Corporate memory bundle (\(count) items; seeded in \(JiraBench.ms(ContinuousClock.now - seeded)))")
        for _ in 0..<10 { try await server.get("/api/memory/bundle", token: token) }
        var http: [Double] = []
        var cold: [Double] = []
        var query: [Double] = []
        var version: [Double] = []
        var size = 0
        for _ in 0..<rounds {
            var began = ContinuousClock.now
            size = try await server.get("/api/memory/bundle", token: token)
            http.append(JiraBench.seconds(ContinuousClock.now - began))
            // Any store write (an item, a vote, a membership) makes the next bundle a fresh one.
            try await store.write { _ in }
            began = ContinuousClock.now
            _ = try await server.get("/api/memory/bundle", token: token)
            cold.append(JiraBench.seconds(ContinuousClock.now - began))
            began = ContinuousClock.now
            _ = try await items.bundle(viewerID: viewer, tokenBudget: 6000, now: Date())
            query.append(JiraBench.seconds(ContinuousClock.now - began))
            began = ContinuousClock.now
            try await server.get("/api/version", token: nil)
            version.append(JiraBench.seconds(ContinuousClock.now - began))
        }
        http.sort()
        cold.sort()
        query.sort()
        version.sort()
        func line(_ values: [Double]) -> String {
            "p50 \(JiraBench.msText(JiraBench.percentile(values, 0.5))) p99 \(JiraBench.msText(JiraBench.percentile(values, 0.99)))"
        }
        print("  GET /api/memory/bundle (\(size) bytes)  \(line(http))   target p50 < 20 ms")
        print("  the same, first after a store write     \(line(cold))")
        print("  the repository's bundle query alone    \(line(query))")
        print("  GET /api/version (floor)               \(line(version))")
    }
}
