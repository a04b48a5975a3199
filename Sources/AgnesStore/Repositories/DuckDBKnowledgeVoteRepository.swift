import AgnesCore
import DuckDB
import Foundation

/// ``KnowledgeVoteRepository`` on the DuckDB system store.
public struct DuckDBKnowledgeVoteRepository: KnowledgeVoteRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    public func setVote(_ vote: KnowledgeVote?, itemID: String, userID: String, at time: Date) async throws {
        try await store.write { connection in
            guard let vote else {
                try connection.run(
                    "DELETE FROM knowledge_votes WHERE item_id = ? AND user_id = ?",
                    [.varchar(itemID), .varchar(userID)])
                return
            }
            try connection.run(
                """
                INSERT INTO knowledge_votes (item_id, user_id, vote, voted_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (item_id, user_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at
                """, [.varchar(itemID), .varchar(userID), .integer(Int32(vote.rawValue)), .optional(time)])
        }
    }

    public func tally(itemID: String) async throws -> VoteTally {
        try await tallies(itemIDs: [itemID])[itemID] ?? VoteTally()
    }

    public func tallies(itemIDs: [String]) async throws -> [String: VoteTally] {
        guard !itemIDs.isEmpty else { return [:] }
        return try await store.read { connection in
            let records = try connection.query(
                """
                SELECT item_id, count(*) FILTER (WHERE vote > 0) AS up, count(*) FILTER (WHERE vote < 0) AS down
                FROM knowledge_votes WHERE list_contains(?, item_id) GROUP BY item_id
                """, [.stringList(itemIDs)]
            ).records
            var tallies: [String: VoteTally] = [:]
            for record in records {
                tallies[try record.requiredString("item_id")] = VoteTally(
                    upvotes: record.int("up") ?? 0, downvotes: record.int("down") ?? 0)
            }
            return tallies
        }
    }

    public func votes(userID: String) async throws -> [String: KnowledgeVote] {
        try await store.read { connection in
            var votes: [String: KnowledgeVote] = [:]
            for record in try connection.query(
                "SELECT item_id, vote FROM knowledge_votes WHERE user_id = ?", [.varchar(userID)]
            ).records {
                // A zero or out-of-range vote from an older writer counts as no vote.
                guard let vote = record.int("vote").flatMap({ KnowledgeVote(rawValue: $0.signum()) }) else { continue }
                votes[try record.requiredString("item_id")] = vote
            }
            return votes
        }
    }
}
