/// The votes cast on one knowledge item.
public struct VoteTally: Sendable, Hashable, Codable {
    /// Number of up-votes.
    public var upvotes: Int
    /// Number of down-votes.
    public var downvotes: Int

    /// Creates a tally.
    public init(upvotes: Int = 0, downvotes: Int = 0) {
        self.upvotes = upvotes
        self.downvotes = downvotes
    }

    /// Up-votes minus down-votes.
    public var score: Int { upvotes - downvotes }
}
