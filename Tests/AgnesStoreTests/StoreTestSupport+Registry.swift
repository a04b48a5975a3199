import AgnesStore
import DuckDB
import Foundation

/// Raw-SQL helpers for the registry, sync and metadata repository tests.
enum RegistryFixtures {
    /// A whole-second time, so values survive DuckDB's microsecond timestamps unchanged.
    static let time = Date(timeIntervalSince1970: 1_700_000_000)

    /// Rows of `table` whose `column` equals `value`. `table` and `column` are test constants.
    static func count(_ store: SystemStore, in table: String, where column: String, is value: String) async throws
        -> Int
    {
        try await store.read { connection in
            try connection.query("SELECT count(*) FROM \(table) WHERE \(column) = ?", [.varchar(value)]).rows[0][0].int
                ?? 0
        }
    }

    /// The first value of the first row of a query.
    static func value(_ store: SystemStore, _ sql: String, _ parameters: [DuckDBValue] = []) async throws -> DuckDBValue
    {
        try await store.read { try $0.query(sql, parameters).rows.first?.first ?? .null }
    }

    /// Runs one statement on the writer (to plant rows the repositories would never write).
    static func run(_ store: SystemStore, _ sql: String, _ parameters: [DuckDBValue] = []) async throws {
        _ = try await store.write { try $0.run(sql, parameters) }
    }
}
