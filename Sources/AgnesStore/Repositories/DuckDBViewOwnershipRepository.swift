import AgnesCore
import DuckDB
import Foundation

/// ``ViewOwnershipRepository`` on the DuckDB system store.
public struct DuckDBViewOwnershipRepository: ViewOwnershipRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    public func claim(view: String, source: String) async throws -> String {
        try await store.write { connection in
            // Insert-if-absent then read, on the single writer: two sources cannot both win.
            try connection.run(
                """
                INSERT INTO view_ownership (view_name, source_name, registered_at) VALUES (?, ?, current_timestamp)
                ON CONFLICT (view_name) DO NOTHING
                """, [.varchar(view), .varchar(source)])
            return try connection.query("SELECT source_name FROM view_ownership WHERE view_name = ?", [.varchar(view)])
                .records[0].requiredString("source_name")
        }
    }

    public func owners() async throws -> [ViewOwnership] {
        try await store.read { connection in
            try connection.query("SELECT view_name, source_name, registered_at FROM view_ownership ORDER BY view_name")
                .records.map { record in
                    ViewOwnership(
                        viewName: try record.requiredString("view_name"),
                        sourceName: try record.requiredString("source_name"), registeredAt: record.date("registered_at")
                    )
                }
        }
    }

    @discardableResult
    public func release(view: String, source: String) async throws -> Bool {
        try await store.write {
            try $0.run(
                "DELETE FROM view_ownership WHERE view_name = ? AND source_name = ?",
                [.varchar(view), .varchar(source)]) > 0
        }
    }

    @discardableResult
    public func releaseAll(source: String) async throws -> Int {
        try await store.write { try $0.run("DELETE FROM view_ownership WHERE source_name = ?", [.varchar(source)]) }
    }
}
