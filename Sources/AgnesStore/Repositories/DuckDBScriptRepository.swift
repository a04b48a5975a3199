import AgnesCore
import DuckDB
import Foundation

/// ``ScriptRepository`` on the DuckDB system store.
public struct DuckDBScriptRepository: ScriptRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = "id, name, owner, schedule, source, deployed_at, last_run, last_status"

    public func deploy(name: String, source: String, schedule: String?, owner: String?, at time: Date) async throws
        -> DeployedScript
    {
        let id = RowID.make()
        return try await store.write { connection in
            try connection.run(
                "INSERT INTO script_registry (id, name, owner, schedule, source, deployed_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    .varchar(id), .varchar(name), .optional(owner), .optional(schedule), .varchar(source),
                    .optional(time),
                ])
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)])[0]
        }
    }

    public func find(id: String) async throws -> DeployedScript? {
        try await store.read { try Self.fetch($0, where: "id = ?", [.varchar(id)]).first }
    }

    public func list() async throws -> [DeployedScript] {
        try await store.read { try Self.fetch($0, where: "TRUE", []) }
    }

    @discardableResult
    public func delete(id: String) async throws -> Bool {
        try await store.write { try $0.run("DELETE FROM script_registry WHERE id = ?", [.varchar(id)]) > 0 }
    }

    public func claimRun(id: String, at time: Date) async throws -> Bool {
        try await store.write { connection in
            try connection.run(
                """
                UPDATE script_registry SET last_status = ?, last_run = ?
                WHERE id = ? AND last_status IS DISTINCT FROM ?
                """,
                [
                    .varchar(ScriptRunStatus.running.rawValue), .optional(time), .varchar(id),
                    .varchar(ScriptRunStatus.running.rawValue),
                ]) > 0
        }
    }

    public func recordRun(id: String, status: ScriptRunStatus, startedAt time: Date) async throws {
        try await store.write { connection in
            let changed = try connection.run(
                "UPDATE script_registry SET last_status = ?, last_run = ? WHERE id = ?",
                [.varchar(status.rawValue), .optional(time), .varchar(id)])
            if changed == 0 { throw StoreError(.notFound, "no script with id \(id)") }
        }
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [DeployedScript]
    {
        try connection.query(
            "SELECT \(columns) FROM script_registry WHERE \(predicate) ORDER BY name, id", parameters
        ).records.map { record in
            var status: ScriptRunStatus?
            if let raw = record.string("last_status") {
                guard let parsed = ScriptRunStatus(rawValue: raw) else {
                    throw StoreError(.corruptRow, "unknown script run status \(raw)")
                }
                status = parsed
            }
            return DeployedScript(
                id: try record.requiredString("id"), name: try record.requiredString("name"),
                owner: record.string("owner"),
                schedule: record.string("schedule"), source: try record.requiredString("source"),
                deployedAt: record.date("deployed_at"), lastRun: record.date("last_run"), lastStatus: status)
        }
    }
}
