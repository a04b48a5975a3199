import AgnesCore
import DuckDB
import Foundation

extension DuckDBKnowledgeItemRepository {
    /// Approved items read first for the bundle; more only when all of them fit.
    static let bundleProbe = 512

    public func stats(matching filter: KnowledgeItemFilter) async throws -> KnowledgeStats {
        let (predicate, parameters) = Self.predicate(for: filter)
        return try await store.read { connection in
            func counts(_ key: String) throws -> [String: Int] {
                try Self.counts(by: key, where: predicate, parameters, on: connection)
            }
            let total =
                try connection.query("SELECT count(*) FROM knowledge_items WHERE \(predicate)", parameters).rows[0][0]
                .int ?? 0
            let categories = try Self.categories(where: predicate, parameters, on: connection)
            var byTag: [String: Int] = [:]
            for row in try connection.query(
                """
                SELECT tag, count(*) FROM (
                    SELECT unnest(from_json(tags, '["VARCHAR"]')) AS tag FROM knowledge_items
                    WHERE \(predicate) AND tags IS NOT NULL AND json_type(tags) = 'ARRAY')
                WHERE tag IS NOT NULL GROUP BY tag
                """, parameters
            ).rows {
                if let tag = row[0].string { byTag[tag] = row[1].int ?? 0 }
            }
            return KnowledgeStats(
                total: total, byStatus: try counts("coalesce(status, 'unknown')"), categories: categories,
                byDomain: try counts("coalesce(domain, 'unset')"),
                bySourceType: try counts("coalesce(source_type, 'unknown')"), byTag: byTag,
                byAudience: try counts("coalesce(audience, 'all')"))
        }
    }

    /// The categories of the items `filter` selects, sorted (one query; the web page's filter list).
    public func categories(matching filter: KnowledgeItemFilter) async throws -> [String] {
        let (predicate, parameters) = Self.predicate(for: filter)
        return try await store.read { try Self.categories(where: predicate, parameters, on: $0) }
    }

    /// How many of the items `filter` selects have each status (one query).
    public func statusCounts(matching filter: KnowledgeItemFilter) async throws -> [String: Int] {
        let (predicate, parameters) = Self.predicate(for: filter)
        return try await store.read {
            try Self.counts(by: "coalesce(status, 'unknown')", where: predicate, parameters, on: $0)
        }
    }

    static func categories(where predicate: String, _ parameters: [DuckDBValue], on connection: Connection) throws
        -> [String]
    {
        try connection.query(
            "SELECT DISTINCT category FROM knowledge_items WHERE \(predicate) AND category IS NOT NULL", parameters
        ).rows.compactMap { $0[0].string }.filter { !$0.isEmpty }.sorted()
    }

    static func counts(by key: String, where predicate: String, _ parameters: [DuckDBValue], on connection: Connection)
        throws -> [String: Int]
    {
        var counts: [String: Int] = [:]
        for row in try connection.query(
            "SELECT \(key) AS k, count(*) FROM knowledge_items WHERE \(predicate) GROUP BY k", parameters
        ).rows {
            if let name = row[0].string { counts[name] = row[1].int ?? 0 }
        }
        return counts
    }

    public func entityOverlaps(
        domain: String, excluding id: String, entities: [String], minimumShared: Int, limit: Int
    ) async throws -> [EntityOverlap] {
        let mine = Array(Set(entities.map { $0.lowercased() }))
        return try await store.read { connection in
            try connection.query(
                """
                WITH theirs AS (
                    SELECT id, list_distinct(list_transform(from_json(entities, '["VARCHAR"]'), lambda x: lower(x))) AS e
                    FROM knowledge_items
                    WHERE domain = ? AND id <> ? AND entities IS NOT NULL AND json_valid(entities)
                      AND json_type(entities) = 'ARRAY'),
                scored AS (
                    SELECT id, len(list_intersect(e, from_json(?, '["VARCHAR"]'))) AS shared, len(e) AS n FROM theirs)
                SELECT id, shared, n + ? - shared AS total FROM scored WHERE shared >= ?
                ORDER BY shared / (n + ? - shared) DESC, id LIMIT ?
                """,
                [
                    .varchar(domain), .varchar(id), .json(mine), .bigint(Int64(mine.count)),
                    .bigint(Int64(minimumShared)), .bigint(Int64(mine.count)), .bigint(Int64(limit)),
                ]
            ).rows.map {
                EntityOverlap(id: $0[0].string ?? "", shared: $0[1].int ?? 0, union: $0[2].int ?? 0)
            }
        }
    }

    public func bundle(viewerID: String?, tokenBudget: Int, now: Date) async throws -> KnowledgeBundle {
        let personal = "NOT coalesce(is_personal, FALSE)"
        let visible = viewerID == nil ? personal : personal + " AND " + Self.audienceVisibility
        let parameters: [DuckDBValue] = viewerID.map { [.varchar($0), .varchar($0)] } ?? []
        let tokens = "length(coalesce(title, '') || ' ' || coalesce(content, '')) // 4"
        // Days are whole days elapsed (floored); an item never updated ranks as a year old.
        let rank = """
            coalesce(confidence, 0.5) * CASE WHEN updated_at IS NULL THEN 0.0
                ELSE greatest(0.0, 1.0 - greatest(floor(date_diff('second', updated_at, ?) / 86400.0), 0) / 365.0) END
            """
        let order = "bundle_rank DESC, updated_at DESC NULLS LAST, created_at DESC, id"
        return try await store.read { connection in
            let mandatory = try connection.query(
                """
                SELECT \(Self.columns), \(tokens) AS bundle_tokens FROM knowledge_items
                WHERE status = 'mandatory' AND \(visible) ORDER BY updated_at DESC NULLS LAST, created_at DESC, id
                """, parameters
            ).records
            let mandatoryTokens = mandatory.reduce(0) { $0 + ($1.int("bundle_tokens") ?? 0) }
            let remaining = tokenBudget - mandatoryTokens
            // The ranked approved items' token counts, best first: the prefix that fits in what the
            // mandatory items left is what a greedy walk stopping at the first item that does not fit
            // takes. A top-N read is enough unless all of it fits (then everything is read).
            var chosen: [(id: String, used: Int)] = []
            var used = 0
            for limit in [Self.bundleProbe, nil] as [Int?] where remaining >= 0 {
                chosen = []
                used = 0
                let ranked = try connection.query(
                    """
                    SELECT id, \(tokens) AS bundle_tokens, \(rank) AS bundle_rank, updated_at, created_at
                    FROM knowledge_items WHERE status = 'approved' AND \(visible)
                    ORDER BY \(order) \(limit.map { "LIMIT \($0)" } ?? "")
                    """, [.optional(now)] + parameters
                ).rows
                var isCut = false
                for row in ranked {
                    let next = used + (row[1].int ?? 0)
                    if next > remaining {
                        isCut = true
                        break
                    }
                    used = next
                    chosen.append((row[0].string ?? "", used))
                }
                if isCut || limit == nil || ranked.count < limit! { break }
            }
            var approved: [KnowledgeItem] = []
            if !chosen.isEmpty {
                let placeholders = Array(repeating: "?", count: chosen.count).joined(separator: ", ")
                let byID = Dictionary(
                    try Self.fetch(connection, where: "id IN (\(placeholders))", chosen.map { .varchar($0.id) }).map {
                        ($0.id, $0)
                    }, uniquingKeysWith: { a, _ in a })
                approved = chosen.compactMap { byID[$0.id] }
            }
            return KnowledgeBundle(
                mandatory: try mandatory.map(Self.item), approved: approved, tokenEstimate: mandatoryTokens + used)
        }
    }
}
