import AgnesCore
import DuckDB
import Foundation

/// ``AuditLogRepository`` on the DuckDB system store.
public struct DuckDBAuditLogRepository: AuditLogRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = #"id, "timestamp", user_id, action, resource, params, result, duration_ms"#

    @discardableResult
    public func append(
        action: String, userID: String?, resource: String?, params: [String: String]?, result: String?,
        durationMS: Int?, at time: Date
    ) async throws -> AuditEntry {
        let entry = AuditEntry(
            id: RowID.make(), timestamp: time, userID: userID, action: action, resource: resource, params: params,
            result: result, durationMS: durationMS)
        _ = try await store.write { connection in
            try connection.run(
                "INSERT INTO audit_log (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .varchar(entry.id), .optional(entry.timestamp), .optional(entry.userID), .varchar(entry.action),
                    .optional(entry.resource), .json(entry.params), .optional(entry.result),
                    .optional(entry.durationMS),
                ])
        }
        return entry
    }

    public func entries(matching filter: AuditLogFilter) async throws -> [AuditEntry] {
        let (predicate, parameters) = Self.predicate(for: filter)
        return try await store.read { connection in
            try connection.query(
                """
                SELECT \(Self.columns) FROM audit_log WHERE \(predicate)
                ORDER BY "timestamp" DESC, id LIMIT ? OFFSET ?
                """, parameters + [.optional(filter.limit), .bigint(Int64(filter.offset))]
            ).records.map(Self.entry)
        }
    }

    public func count(matching filter: AuditLogFilter) async throws -> Int {
        let (predicate, parameters) = Self.predicate(for: filter)
        return try await store.read { connection in
            try connection.query("SELECT count(*) FROM audit_log WHERE \(predicate)", parameters).rows[0][0].int ?? 0
        }
    }

    /// The filter as a WHERE clause of constant SQL plus its bound values.
    static func predicate(for filter: AuditLogFilter) -> (String, [DuckDBValue]) {
        var clauses = ["TRUE"]
        var parameters: [DuckDBValue] = []
        if let userID = filter.userID {
            clauses.append("user_id = ?")
            parameters.append(.varchar(userID))
        }
        if !filter.actionPrefixes.isEmpty {
            clauses.append(
                "(" + filter.actionPrefixes.map { _ in "starts_with(action, ?)" }.joined(separator: " OR ") + ")")
            parameters += filter.actionPrefixes.map { .varchar($0) }
        }
        if !filter.actions.isEmpty {
            clauses.append("action IN (" + filter.actions.map { _ in "?" }.joined(separator: ", ") + ")")
            parameters += filter.actions.map { .varchar($0) }
        }
        if let since = filter.since {
            clauses.append(#""timestamp" >= ?"#)
            parameters.append(.optional(since))
        }
        return (clauses.joined(separator: " AND "), parameters)
    }

    static func entry(_ record: Record) throws -> AuditEntry {
        guard let timestamp = record.date("timestamp") else {
            throw StoreError(.corruptRow, "audit entry \(record.string("id") ?? "?") has no timestamp")
        }
        return AuditEntry(
            id: try record.requiredString("id"), timestamp: timestamp, userID: record.string("user_id"),
            action: try record.requiredString("action"), resource: record.string("resource"),
            params: record.string("params").flatMap(Self.params), result: record.string("result"),
            durationMS: record.int("duration_ms"))
    }

    /// Decodes stored params leniently: older writers stored numbers, booleans and nested values, which
    /// read back as their JSON text rather than failing the whole entry.
    static func params(_ text: String) -> [String: String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
            let dictionary = object as? [String: Any]
        else { return nil }
        return dictionary.mapValues { value in
            if let string = value as? String { return string }
            guard
                let data = try? JSONSerialization.data(
                    withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
            else { return "\(value)" }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
