import AgnesCore

/// The corporate knowledge handed to an analyst's agent (`GET /api/memory/bundle`).
public struct KnowledgeBundle: Sendable, Hashable {
    /// Every visible mandatory item, whatever the budget.
    public var mandatory: [KnowledgeItem]
    /// The best-ranked approved items that fit in what the mandatory ones left of the budget.
    public var approved: [KnowledgeItem]
    /// The estimated tokens of everything included (≈ characters of `title + " " + content` / 4 each).
    public var tokenEstimate: Int

    /// Creates a value.
    public init(mandatory: [KnowledgeItem] = [], approved: [KnowledgeItem] = [], tokenEstimate: Int = 0) {
        self.mandatory = mandatory
        self.approved = approved
        self.tokenEstimate = tokenEstimate
    }
}
