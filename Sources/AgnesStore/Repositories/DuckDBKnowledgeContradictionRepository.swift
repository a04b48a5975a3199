import AgnesCore
import DuckDB
import Foundation

/// ``KnowledgeContradictionRepository`` on the DuckDB system store.
public struct DuckDBKnowledgeContradictionRepository: KnowledgeContradictionRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = """
        id, item_a_id, item_b_id, explanation, severity, suggested_resolution, resolved, resolved_by, resolved_at,
        resolution, detected_at
        """

    public func create(
        itemAID: String, itemBID: String, explanation: String?, severity: String?, suggestedResolution: String?,
        at time: Date
    ) async throws -> KnowledgeContradiction {
        let id = "kc_" + RowID.make().replacingOccurrences(of: "-", with: "").prefix(12)
        return try await store.write { connection in
            try connection.run(
                """
                INSERT INTO knowledge_contradictions
                    (id, item_a_id, item_b_id, explanation, severity, suggested_resolution, resolved, detected_at)
                VALUES (?, ?, ?, ?, ?, ?, FALSE, ?)
                """,
                [
                    .varchar(id), .varchar(itemAID), .varchar(itemBID), .optional(explanation), .optional(severity),
                    .optional(suggestedResolution), .optional(time),
                ])
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)])[0]
        }
    }

    public func find(id: String) async throws -> KnowledgeContradiction? {
        try await store.read { try Self.fetch($0, where: "id = ?", [.varchar(id)]).first }
    }

    public func list(isResolved: Bool?) async throws -> [KnowledgeContradiction] {
        try await store.read { connection in
            try Self.fetch(
                connection, where: "(? IS NULL OR coalesce(resolved, FALSE) = ?)",
                [.optional(isResolved), .optional(isResolved)])
        }
    }

    public func resolve(id: String, resolution: String, by actor: String?, at time: Date) async throws
        -> KnowledgeContradiction
    {
        try await store.write { connection in
            // Compare-and-set: only an unresolved row changes, so a verdict is never overwritten.
            let changed = try connection.run(
                """
                UPDATE knowledge_contradictions SET resolved = TRUE, resolution = ?, resolved_by = ?, resolved_at = ?
                WHERE id = ? AND NOT coalesce(resolved, FALSE)
                """, [.varchar(resolution), .optional(actor), .optional(time), .varchar(id)])
            guard let contradiction = try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first else {
                throw StoreError(.notFound, "no contradiction with id \(id)")
            }
            if changed == 0 { throw StoreError(.conflict, "contradiction \(id) is already resolved") }
            return contradiction
        }
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [KnowledgeContradiction]
    {
        try connection.query(
            "SELECT \(columns) FROM knowledge_contradictions WHERE \(predicate) ORDER BY detected_at DESC, id",
            parameters
        ).records.map { record in
            KnowledgeContradiction(
                id: try record.requiredString("id"), itemAID: try record.requiredString("item_a_id"),
                itemBID: try record.requiredString("item_b_id"), explanation: record.string("explanation"),
                severity: record.string("severity"), suggestedResolution: record.string("suggested_resolution"),
                isResolved: record.bool("resolved") ?? false, resolvedBy: record.string("resolved_by"),
                resolvedAt: record.date("resolved_at"), resolution: record.string("resolution"),
                detectedAt: record.date("detected_at"))
        }
    }
}
