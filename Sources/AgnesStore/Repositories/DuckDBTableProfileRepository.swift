import AgnesCore
import DuckDB
import Foundation

/// ``TableProfileRepository`` on the DuckDB system store.
public struct DuckDBTableProfileRepository: TableProfileRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    @discardableResult
    public func save(tableID: String, profileJSON: String) async throws -> TableProfile {
        let profile = try JSONText.validated(profileJSON, column: "profile")
        return try await store.write { connection in
            try connection.run(
                """
                INSERT INTO table_profiles (table_id, profile, profiled_at) VALUES (?, ?, current_timestamp)
                ON CONFLICT (table_id) DO UPDATE SET profile = excluded.profile, profiled_at = excluded.profiled_at
                """, [.varchar(tableID), .varchar(profile)])
            return try Self.fetch(connection, tableID: tableID)!
        }
    }

    public func find(tableID: String) async throws -> TableProfile? {
        try await store.read { try Self.fetch($0, tableID: tableID) }
    }

    @discardableResult
    public func delete(tableID: String) async throws -> Bool {
        try await store.write { try $0.run("DELETE FROM table_profiles WHERE table_id = ?", [.varchar(tableID)]) > 0 }
    }

    public func list() async throws -> [ProfiledTable] {
        try await store.read { connection in
            try connection.query("SELECT table_id, profiled_at FROM table_profiles ORDER BY table_id").records.map {
                ProfiledTable(tableID: try $0.requiredString("table_id"), profiledAt: $0.date("profiled_at"))
            }
        }
    }

    static func fetch(_ connection: Connection, tableID: String) throws -> TableProfile? {
        try connection.query(
            "SELECT table_id, profile, profiled_at FROM table_profiles WHERE table_id = ?", [.varchar(tableID)]
        ).first.map { record in
            TableProfile(
                tableID: try record.requiredString("table_id"), profileJSON: try record.requiredString("profile"),
                profiledAt: record.date("profiled_at"))
        }
    }
}
