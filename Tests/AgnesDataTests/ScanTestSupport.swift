import AgnesCore
import AgnesData
import DuckDB
import Foundation

/// An `orders` table (and a `secrets` table nobody scanning `orders` may see) served by a fresh
/// generation, with a query engine and scan service over it.
final class ScanFixture: Sendable {
    let data: DataFixture
    let engine: QueryEngine
    let scans: ScanService

    static let ordersSQL = """
        SELECT * FROM (VALUES
            (1, 'paid', 10.5, DATE '2024-01-15', NULL, 'EU'),
            (2, 'open', 99.0, DATE '2024-02-01', 'rush', 'US'),
            (3, 'paid', 250.0, DATE '2024-03-10', 'it''s', 'EU'),
            (4, 'cancelled', 0.0, DATE '2023-12-31', NULL, 'APAC'),
            (5, 'PAID', 42.0, DATE '2024-03-31', '50% off', 'US')
        ) t(id, status, amount, created_at, note, "Region")
        """

    init() async throws {
        data = try await DataFixture()
        try data.writeSource(
            "local", tables: ["orders": Self.ordersSQL, "secrets": "SELECT 'top secret' AS secret, 1 AS id"])
        _ = try await data.orchestrator.rebuild()
        engine = QueryEngine(analytics: data.analytics, layout: data.layout, limits: SandboxLimits())
        scans = try ScanService(engine: engine, layout: data.layout)
    }

    /// The ids a predicate selects from `orders`, in order, through the scan's own SQL.
    func ids(where predicate: String) async throws -> [Int] {
        let scan = try await scans.prepare(
            ScanRequest(tableID: "orders", select: ["id"], predicate: predicate, orderBy: ["id"]), maxLimit: 1000)
        let result = try await engine.run(scan.sql, limit: 1000, readable: ["orders"])
        return result.rows.compactMap { $0[0].int }
    }

    /// The rejection of a predicate, nil when it was accepted.
    func rejection(of predicate: String) async throws -> ScanRejection? {
        do {
            _ = try await scans.prepare(ScanRequest(tableID: "orders", predicate: predicate), maxLimit: 1000)
            return nil
        } catch .rejected(let rejection) {
            return rejection
        }
    }
}
