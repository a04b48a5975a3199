import AgnesCore
import DuckDB
import Foundation

extension DuckDBKnowledgeItemRepository {
    public func stats(matching filter: KnowledgeItemFilter) async throws -> KnowledgeStats {
        let (predicate, parameters) = Self.predicate(for: filter)
        return try await store.read { connection in
            func counts(_ key: String) throws -> [String: Int] {
                var counts: [String: Int] = [:]
                for row in try connection.query(
                    "SELECT \(key) AS k, count(*) FROM knowledge_items WHERE \(predicate) GROUP BY k", parameters
                ).rows {
                    if let name = row[0].string { counts[name] = row[1].int ?? 0 }
                }
                return counts
            }
            let total =
                try connection.query("SELECT count(*) FROM knowledge_items WHERE \(predicate)", parameters).rows[0][0]
                .int ?? 0
            let categories = try connection.query(
                "SELECT DISTINCT category FROM knowledge_items WHERE \(predicate) AND category IS NOT NULL", parameters
            ).rows.compactMap { $0[0].string }.filter { !$0.isEmpty }.sorted()
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
            let mandatory = try Self.fetch(connection, where: "status = 'mandatory' AND \(visible)", parameters)
            let mandatoryTokens =
                try connection.query(
                    "SELECT coalesce(sum(\(tokens)), 0) FROM knowledge_items WHERE status = 'mandatory' AND \(visible)",
                    parameters
                ).rows[0][0].int ?? 0
            let remaining = tokenBudget - mandatoryTokens
            // The ranked approved items as a running token total: the prefix that fits is what a greedy walk
            // stopping at the first item that does not fit would take.
            let records = try connection.query(
                """
                SELECT \(Self.columns), bundle_used FROM (
                    SELECT *, sum(bundle_tokens) OVER (ORDER BY \(order) ROWS UNBOUNDED PRECEDING) AS bundle_used
                    FROM (SELECT *, \(tokens) AS bundle_tokens, \(rank) AS bundle_rank FROM knowledge_items
                          WHERE status = 'approved' AND \(visible)))
                WHERE bundle_used <= ? ORDER BY \(order)
                """, [.optional(now)] + parameters + [.bigint(Int64(remaining))]
            ).records
            let approved = try records.map(Self.item)
            let approvedTokens = records.last?.int("bundle_used") ?? 0
            return KnowledgeBundle(
                mandatory: mandatory, approved: approved, tokenEstimate: mandatoryTokens + approvedTokens)
        }
    }
}
