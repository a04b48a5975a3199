import AgnesCore
import Foundation

/// Users' votes on knowledge items: one vote per (item, user).
public protocol KnowledgeVoteRepository: Sendable {
    /// Casts, changes (`vote` non-nil) or retracts (`vote` nil) the user's vote on an item.
    func setVote(_ vote: KnowledgeVote?, itemID: String, userID: String, at time: Date) async throws
    /// The votes on one item.
    func tally(itemID: String) async throws -> VoteTally
    /// The votes on each of `itemIDs` that has any; items without votes are absent.
    func tallies(itemIDs: [String]) async throws -> [String: VoteTally]
    /// The user's votes, by item id.
    func votes(userID: String) async throws -> [String: KnowledgeVote]
}
