import AgnesCore
import DuckDB
import Foundation

/// ``UserSyncSettingsRepository`` on the DuckDB system store.
public struct DuckDBUserSyncSettingsRepository: UserSyncSettingsRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = "user_id, dataset, enabled, table_mode, tables, updated_at"

    public func find(userID: String, dataset: String) async throws -> UserSyncSetting? {
        try await store.read { connection in
            try Self.fetch(connection, where: "user_id = ? AND dataset = ?", [.varchar(userID), .varchar(dataset)])
                .first
        }
    }

    public func list(userID: String) async throws -> [UserSyncSetting] {
        try await store.read { try Self.fetch($0, where: "user_id = ?", [.varchar(userID)]) }
    }

    @discardableResult
    public func save(_ setting: UserSyncSetting) async throws -> UserSyncSetting {
        let tables = try JSONText.encoded(setting.tables, column: "tables")
        return try await store.write { connection in
            try connection.run(
                """
                INSERT INTO user_sync_settings (\(Self.columns)) VALUES (?, ?, ?, ?, ?, current_timestamp)
                ON CONFLICT (user_id, dataset) DO UPDATE SET
                    enabled = excluded.enabled, table_mode = excluded.table_mode, tables = excluded.tables,
                    updated_at = excluded.updated_at
                """,
                [
                    .varchar(setting.userID), .varchar(setting.dataset), .boolean(setting.isEnabled),
                    .varchar(setting.tableMode), .varchar(tables),
                ])
            let key: [DuckDBValue] = [.varchar(setting.userID), .varchar(setting.dataset)]
            return try Self.fetch(connection, where: "user_id = ? AND dataset = ?", key)[0]
        }
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [UserSyncSetting]
    {
        try connection.query(
            "SELECT \(columns) FROM user_sync_settings WHERE \(predicate) ORDER BY user_id, dataset", parameters
        ).records.map { record in
            UserSyncSetting(
                userID: try record.requiredString("user_id"), dataset: try record.requiredString("dataset"),
                isEnabled: record.bool("enabled") ?? false, tableMode: record.string("table_mode") ?? "all",
                tables: try JSONText.decoded([String].self, from: record.string("tables"), column: "tables") ?? [],
                updatedAt: record.date("updated_at"))
        }
    }
}
