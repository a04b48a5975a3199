/// A user's vote on a knowledge item.
public enum KnowledgeVote: Int, Sendable, Hashable, Codable, CaseIterable {
    case down = -1
    case up = 1
}
