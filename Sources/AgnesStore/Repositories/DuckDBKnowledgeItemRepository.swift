import AgnesCore
import DuckDB
import Foundation

/// ``KnowledgeItemRepository`` on the DuckDB system store.
public struct DuckDBKnowledgeItemRepository: KnowledgeItemRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    public static let columns = """
        id, title, content, category, tags, status, contributors, source_user, audience, confidence, domain, entities,
        source_type, source_ref, valid_from, valid_until, supersedes, sensitivity, is_personal, created_at, updated_at
        """

    public func create(_ item: KnowledgeItem) async throws -> KnowledgeItem {
        try await store.write { connection in
            try connection.run(
                """
                INSERT INTO knowledge_items (\(Self.columns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                        coalesce(?, current_timestamp), coalesce(?, current_timestamp))
                """,
                [
                    .varchar(item.id), .varchar(item.title), .optional(item.content), .optional(item.category),
                    .json(item.tags), .varchar(item.status.rawValue), .json(item.contributors),
                    .optional(item.sourceUser), .optional(item.audience), .optional(item.confidence),
                    .optional(item.domain), .json(item.entities), .optional(item.sourceType), .optional(item.sourceRef),
                    .optional(item.validFrom), .optional(item.validUntil), .optional(item.supersedes),
                    .optional(item.sensitivity), .boolean(item.isPersonal), .optional(item.createdAt),
                    .optional(item.updatedAt ?? item.createdAt),
                ])
            return try Self.fetch(connection, where: "id = ?", [.varchar(item.id)])[0]
        }
    }

    public func find(id: String) async throws -> KnowledgeItem? {
        try await store.read { try Self.fetch($0, where: "id = ?", [.varchar(id)]).first }
    }

    public func find(id: String, visibleTo viewerID: String) async throws -> KnowledgeItem? {
        try await store.read { connection in
            try Self.fetch(
                connection, where: "id = ? AND \(Self.audienceVisibility)",
                [.varchar(id), .varchar(viewerID), .varchar(viewerID)]
            ).first
        }
    }

    public func list(matching filter: KnowledgeItemFilter) async throws -> [KnowledgeItem] {
        let (predicate, parameters) = Self.predicate(for: filter)
        return try await store.read { connection in
            try Self.fetch(
                connection, where: predicate, parameters + [.optional(filter.limit), .bigint(Int64(filter.offset))],
                suffix: "LIMIT ? OFFSET ?")
        }
    }

    public func count(matching filter: KnowledgeItemFilter) async throws -> Int {
        let (predicate, parameters) = Self.predicate(for: filter)
        return try await store.read { connection in
            try connection.query("SELECT count(*) FROM knowledge_items WHERE \(predicate)", parameters).rows[0][0].int
                ?? 0
        }
    }

    @discardableResult
    public func setStatus(id: String, to status: KnowledgeStatus, at time: Date) async throws -> Bool {
        try await store.write {
            try $0.run(
                "UPDATE knowledge_items SET status = ?, updated_at = ? WHERE id = ?",
                [.varchar(status.rawValue), .optional(time), .varchar(id)]) > 0
        }
    }

    public func update(id: String, with changes: KnowledgeItemChanges, at time: Date) async throws -> KnowledgeItem? {
        let (assignments, values) = Self.assignments(for: changes, at: time)
        return try await store.write { connection in
            let changed = try connection.run(
                "UPDATE knowledge_items SET \(assignments) WHERE id = ?", values + [.varchar(id)])
            guard changed > 0 else { return nil }
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first
        }
    }

    @discardableResult
    public func delete(id: String) async throws -> Bool {
        try await store.write { connection in
            // No foreign keys in the schema: children first, all in this one transaction.
            let key: [DuckDBValue] = [.varchar(id)]
            try connection.run("DELETE FROM knowledge_votes WHERE item_id = ?", key)
            try connection.run("DELETE FROM verification_evidence WHERE item_id = ?", key)
            try connection.run("DELETE FROM knowledge_contradictions WHERE item_a_id = ? OR item_b_id = ?", key + key)
            try connection.run("DELETE FROM knowledge_item_relations WHERE item_a_id = ? OR item_b_id = ?", key + key)
            return try connection.run("DELETE FROM knowledge_items WHERE id = ?", key) > 0
        }
    }

    /// The changed columns as a SET list of constant SQL plus their bound values; `updated_at` always.
    static func assignments(for changes: KnowledgeItemChanges, at time: Date) -> (String, [DuckDBValue]) {
        var pairs: [(String, DuckDBValue)] = []
        if let title = changes.title { pairs.append(("title", .varchar(title))) }
        if let content = changes.content { pairs.append(("content", .optional(content))) }
        if let category = changes.category { pairs.append(("category", .optional(category))) }
        if let domain = changes.domain { pairs.append(("domain", .optional(domain))) }
        if let audience = changes.audience { pairs.append(("audience", .optional(audience))) }
        if let confidence = changes.confidence { pairs.append(("confidence", .optional(confidence))) }
        if let tags = changes.tags { pairs.append(("tags", .json(tags))) }
        if let contributors = changes.contributors { pairs.append(("contributors", .json(contributors))) }
        if let entities = changes.entities { pairs.append(("entities", .json(entities))) }
        if let isPersonal = changes.isPersonal { pairs.append(("is_personal", .boolean(isPersonal))) }
        pairs.append(("updated_at", .optional(time)))
        return (pairs.map { "\($0.0) = ?" }.joined(separator: ", "), pairs.map(\.1))
    }

    /// The filter as a WHERE clause of constant SQL plus its bound values.
    static func predicate(for filter: KnowledgeItemFilter) -> (String, [DuckDBValue]) {
        var clauses = ["TRUE"]
        var parameters: [DuckDBValue] = []
        if let ids = filter.ids {
            clauses.append("list_contains(?, id)")
            parameters.append(.stringList(ids))
        }
        if !filter.statuses.isEmpty {
            clauses.append("status IN (" + filter.statuses.map { _ in "?" }.joined(separator: ", ") + ")")
            parameters += filter.statuses.map { .varchar($0.rawValue) }
        }
        for (column, value) in [
            ("domain", filter.domain), ("category", filter.category), ("source_type", filter.sourceType),
            ("source_user", filter.sourceUser),
        ] {
            guard let value else { continue }
            clauses.append("\(column) = ?")
            parameters.append(.varchar(value))
        }
        if filter.excludesPersonal { clauses.append("NOT coalesce(is_personal, FALSE)") }
        if let viewerID = filter.viewerID {
            clauses.append(audienceVisibility)
            parameters += [.varchar(viewerID), .varchar(viewerID)]
        }
        if let audience = filter.audience {
            clauses.append("coalesce(audience, 'all') = ?")
            parameters.append(.varchar(audience))
        }
        if let type = filter.unresolvedRelationType {
            clauses.append(
                """
                EXISTS (SELECT 1 FROM knowledge_item_relations r
                        WHERE (r.item_a_id = knowledge_items.id OR r.item_b_id = knowledge_items.id)
                          AND r.relation_type = ? AND NOT coalesce(r.resolved, FALSE))
                """)
            parameters.append(.varchar(type))
        }
        if let search = filter.search, !search.isEmpty {
            clauses.append(#"(title ILIKE ? ESCAPE '\' OR content ILIKE ? ESCAPE '\')"#)
            let pattern = "%" + likeEscaped(search) + "%"
            parameters += [.varchar(pattern), .varchar(pattern)]
        }
        return (clauses.joined(separator: " AND "), parameters)
    }

    /// The audience rule for a non-admin viewer (REFERENCE §1.12), bound to their user id twice: audience
    /// unset or `all`, `group:<name>` of a group they belong to, or a domain granted to one of their
    /// groups. Evaluated in SQL so a list never loads rows the viewer may not see.
    static let audienceVisibility = """
        (audience IS NULL OR audience = 'all'
         OR audience IN (SELECT 'group:' || g.name FROM user_group_members m JOIN user_groups g ON g.id = m.group_id
                         WHERE m.user_id = ?)
         OR domain IN (SELECT r.resource_id FROM resource_grants r JOIN user_group_members m ON m.group_id = r.group_id
                       WHERE m.user_id = ? AND r.resource_type = 'memory_domain'))
        """

    /// `text` with LIKE's wildcards (and the escape character itself) escaped, so it matches literally.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    static func fetch(
        _ connection: Connection, where predicate: String, _ parameters: [DuckDBValue], suffix: String = ""
    ) throws -> [KnowledgeItem] {
        try connection.query(
            """
            SELECT \(columns) FROM knowledge_items WHERE \(predicate)
            ORDER BY updated_at DESC NULLS LAST, created_at DESC, id \(suffix)
            """, parameters
        ).records.map(item)
    }

    static func item(_ record: Record) throws -> KnowledgeItem {
        let status = record.string("status") ?? KnowledgeStatus.pending.rawValue
        guard let parsed = KnowledgeStatus(rawValue: status) else {
            throw StoreError(.corruptRow, "unknown knowledge item status \(status)")
        }
        return KnowledgeItem(
            id: try record.requiredString("id"), title: try record.requiredString("title"),
            content: record.string("content"), category: record.string("category"),
            tags: record.json("tags", as: [String].self) ?? [], status: parsed,
            contributors: record.json("contributors", as: [String].self) ?? [],
            sourceUser: record.string("source_user"),
            audience: record.string("audience"), confidence: record.double("confidence"),
            domain: record.string("domain"),
            entities: record.json("entities", as: [String].self) ?? [], sourceType: record.string("source_type"),
            sourceRef: record.string("source_ref"), validFrom: record.date("valid_from"),
            validUntil: record.date("valid_until"), supersedes: record.string("supersedes"),
            sensitivity: record.string("sensitivity"), isPersonal: record.bool("is_personal") ?? false,
            createdAt: record.date("created_at"), updatedAt: record.date("updated_at"))
    }
}
