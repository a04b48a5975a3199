import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import Logging

/// `agnes-bench memory DIR [ITEMS] [ROUNDS]`: `GET /api/memory/bundle` for an analyst over ITEMS
/// knowledge items (2 % mandatory, 80 % approved, the rest pending, rejected or personal; audiences
/// `all` and two groups; six domains): p50/p99 next to the repository's bundle query alone and to
/// `GET /api/version` (the floor of an HTTP round trip). Target p50 < 20 ms with 10,000 items.
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
        let domains = ["finance", "engineering", "product", "data", "operations", "infrastructure"]
        let seeded = ContinuousClock.now
        for number in 0..<count {
            let status: KnowledgeStatus =
                number % 50 == 0 ? .mandatory : number % 10 < 8 ? .approved : number % 2 == 0 ? .pending : .rejected
            _ = try await items.create(
                KnowledgeItem(
                    id: "km_\(String(format: "%012x", number))", title: "Rule \(number) about revenue",
                    content: String(repeating: "Revenue is booked net of VAT and returns. ", count: 1 + number % 6),
                    category: "business_logic", tags: ["revenue"], status: status,
                    contributors: ["ana@example.com"], sourceUser: "ana@example.com",
                    audience: number % 7 == 0 ? "group:finance" : number % 11 == 0 ? "group:ops" : "all",
                    confidence: Double(number % 100) / 100, domain: domains[number % domains.count],
                    isPersonal: number % 97 == 0,
                    createdAt: Date().addingTimeInterval(-Double(number % 400) * 86_400),
                    updatedAt: Date().addingTimeInterval(-Double(number % 400) * 86_400)))
        }
        let token = try await server.analyst(tables: [])
        let viewer = try await DuckDBUserRepository(store: store).list().last!.id
        print("Corporate memory bundle (\(count) items; seeded in \(JiraBench.ms(ContinuousClock.now - seeded)))")
        for _ in 0..<10 { try await server.get("/api/memory/bundle", token: token) }
        var http: [Double] = []
        var query: [Double] = []
        var version: [Double] = []
        var size = 0
        for _ in 0..<rounds {
            var began = ContinuousClock.now
            size = try await server.get("/api/memory/bundle", token: token)
            http.append(JiraBench.seconds(ContinuousClock.now - began))
            began = ContinuousClock.now
            _ = try await items.bundle(viewerID: viewer, tokenBudget: 6000, now: Date())
            query.append(JiraBench.seconds(ContinuousClock.now - began))
            began = ContinuousClock.now
            try await server.get("/api/version", token: nil)
            version.append(JiraBench.seconds(ContinuousClock.now - began))
        }
        http.sort()
        query.sort()
        version.sort()
        func line(_ values: [Double]) -> String {
            "p50 \(JiraBench.msText(JiraBench.percentile(values, 0.5))) p99 \(JiraBench.msText(JiraBench.percentile(values, 0.99)))"
        }
        print("  GET /api/memory/bundle (\(size) bytes)  \(line(http))   target p50 < 20 ms")
        print("  the repository's bundle query alone    \(line(query))")
        print("  GET /api/version (floor)               \(line(version))")
    }
}
