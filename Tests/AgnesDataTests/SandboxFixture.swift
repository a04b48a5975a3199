import AgnesCore
import AgnesData
import DuckDB
import Foundation

/// A data directory with a `sales` source holding `orders`, `customers` (readable by the caller) and
/// `payroll` (not readable), a file outside every table, and a query engine over it.
final class SandboxFixture: Sendable {
    static let secretRow = "TOPSECRET-ROW-7f3a"
    static let secretFile = "TOPSECRET-FILE-91bc"

    let data: DataFixture
    let engine: QueryEngine
    let files: [String: PublishedFile]
    /// A file that is no table at all.
    let outside: URL

    init(limits: SandboxLimits = SandboxLimits(memoryLimit: "512MB", timeout: .seconds(3))) async throws {
        data = try await DataFixture()
        files = try data.writeSource(
            "sales",
            tables: [
                "orders": """
                SELECT range AS order_id, range % 10 AS customer_id, (range * 1.5)::DECIMAL(10, 2) AS amount,
                    DATE '2024-01-01' + (range % 30)::INTEGER AS ordered_on, ['a', 'b'] AS tags
                FROM range(100)
                """,
                "customers": "SELECT range AS customer_id, 'Customer ' || range AS name FROM range(10)",
                "payroll": "SELECT '\(Self.secretRow)' AS secret, 42 AS answer",
            ])
        outside = data.root.appendingPathComponent("outside.csv")
        try "secret\n\(Self.secretFile)\n".write(to: outside, atomically: true, encoding: .utf8)
        _ = try await data.orchestrator.rebuild()
        engine = QueryEngine(analytics: data.analytics, layout: data.layout, limits: limits)
    }

    /// Runs `sql` as a caller who may read `orders` and `customers`.
    func analyst(_ sql: String, limit: Int = 1000) async throws(SandboxError) -> SandboxResult {
        try await engine.run(sql, limit: limit, readable: ["orders", "customers"])
    }

    /// The published file of a table.
    func file(_ table: String) -> String { files[table]!.readPath }
}

extension SandboxResult {
    /// Every value as text, for leak checks.
    var text: String {
        columns.map(\.name).joined(separator: " ") + " "
            + rows.map { $0.map(\.description).joined(separator: " ") }.joined(separator: "\n")
    }
}
