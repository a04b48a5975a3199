import AgnesCore
import DuckDB
import Foundation

/// ``KnowledgeRelationRepository`` on the DuckDB system store.
public struct DuckDBKnowledgeRelationRepository: KnowledgeRelationRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = """
        item_a_id, item_b_id, relation_type, score, resolved, resolved_by, resolved_at, resolution, created_at
        """

    @discardableResult
    public func upsert(itemID: String, otherItemID: String, type: String, score: Double?, at time: Date) async throws
        -> KnowledgeRelation
    {
        let (a, b) = Self.canonical(itemID, otherItemID)
        return try await store.write { connection in
            try connection.run(
                """
                INSERT INTO knowledge_item_relations (item_a_id, item_b_id, relation_type, score, resolved, created_at)
                VALUES (?, ?, ?, ?, FALSE, ?)
                ON CONFLICT (item_a_id, item_b_id, relation_type) DO UPDATE SET score = excluded.score
                """, [.varchar(a), .varchar(b), .varchar(type), .optional(score), .optional(time)])
            return try Self.fetch(
                connection, where: "item_a_id = ? AND item_b_id = ? AND relation_type = ?",
                [.varchar(a), .varchar(b), .varchar(type)])[0]
        }
    }

    public func upsert(itemID: String, others: [(id: String, score: Double?)], type: String, at time: Date)
        async throws
    {
        guard !others.isEmpty else { return }
        // One statement for all of them: a statement's parsing and planning costs more than its rows.
        var seen = Set<String>()
        var parameters: [DuckDBValue] = []
        for other in others where seen.insert(other.id).inserted {
            let (a, b) = Self.canonical(itemID, other.id)
            parameters += [.varchar(a), .varchar(b), .varchar(type), .optional(other.score), .optional(time)]
        }
        let values = Array(repeating: "(?, ?, ?, ?, FALSE, ?)", count: seen.count).joined(separator: ", ")
        let rows = parameters
        try await store.write { connection in
            try connection.run(
                """
                INSERT INTO knowledge_item_relations (item_a_id, item_b_id, relation_type, score, resolved, created_at)
                VALUES \(values)
                ON CONFLICT (item_a_id, item_b_id, relation_type) DO UPDATE SET score = excluded.score
                """, rows)
        }
    }

    public func list(itemID: String) async throws -> [KnowledgeRelation] {
        try await store.read {
            try Self.fetch($0, where: "item_a_id = ? OR item_b_id = ?", [.varchar(itemID), .varchar(itemID)])
        }
    }

    public func list(isResolved: Bool?, limit: Int?) async throws -> [KnowledgeRelation] {
        try await store.read { connection in
            try Self.fetch(
                connection, where: "(? IS NULL OR coalesce(resolved, FALSE) = ?)",
                [.optional(isResolved), .optional(isResolved), .optional(limit)], suffix: "LIMIT ?")
        }
    }

    public func list(type: String, isResolved: Bool?, limit: Int?) async throws -> [KnowledgeRelation] {
        try await store.read { connection in
            try Self.fetch(
                connection, where: "relation_type = ? AND (? IS NULL OR coalesce(resolved, FALSE) = ?)",
                [.varchar(type), .optional(isResolved), .optional(isResolved), .optional(limit)], suffix: "LIMIT ?")
        }
    }

    @discardableResult
    public func resolve(
        itemID: String, otherItemID: String, type: String?, resolution: String, by actor: String?, at time: Date
    ) async throws -> Int {
        let (a, b) = Self.canonical(itemID, otherItemID)
        return try await store.write { connection in
            try connection.run(
                """
                UPDATE knowledge_item_relations SET resolved = TRUE, resolution = ?, resolved_by = ?, resolved_at = ?
                WHERE item_a_id = ? AND item_b_id = ? AND (? IS NULL OR relation_type = ?)
                """,
                [
                    .varchar(resolution), .optional(actor), .optional(time), .varchar(a), .varchar(b), .optional(type),
                    .optional(type),
                ])
        }
    }

    /// The pair ordered as stored: the smaller id first. Ids are compared by their UTF-8 bytes, as
    /// DuckDB orders VARCHAR, so Swift and SQL agree on which id is "smaller".
    static func canonical(_ first: String, _ second: String) -> (String, String) {
        first.utf8.lexicographicallyPrecedes(second.utf8) ? (first, second) : (second, first)
    }

    static func fetch(
        _ connection: Connection, where predicate: String, _ parameters: [DuckDBValue], suffix: String = ""
    ) throws -> [KnowledgeRelation] {
        try connection.query(
            """
            SELECT \(columns) FROM knowledge_item_relations WHERE \(predicate)
            ORDER BY score DESC NULLS LAST, created_at DESC, item_a_id, item_b_id, relation_type \(suffix)
            """, parameters
        ).records.map { record in
            KnowledgeRelation(
                itemAID: try record.requiredString("item_a_id"), itemBID: try record.requiredString("item_b_id"),
                relationType: try record.requiredString("relation_type"), score: record.double("score"),
                isResolved: record.bool("resolved") ?? false, resolvedBy: record.string("resolved_by"),
                resolvedAt: record.date("resolved_at"), resolution: record.string("resolution"),
                createdAt: record.date("created_at"))
        }
    }
}
