/// Counts over a set of knowledge items, for `GET /api/memory/stats`.
public struct KnowledgeStats: Sendable, Hashable {
    /// How many items.
    public var total: Int
    /// Items per status (`unknown` for none).
    public var byStatus: [String: Int]
    /// The distinct categories, sorted.
    public var categories: [String]
    /// Items per domain (`unset` for none).
    public var byDomain: [String: Int]
    /// Items per source type (`unknown` for none).
    public var bySourceType: [String: Int]
    /// Items per tag; an item counts once for each of its tags, untagged items not at all.
    public var byTag: [String: Int]
    /// Items per audience (`all` for none).
    public var byAudience: [String: Int]

    /// Creates a value.
    public init(
        total: Int = 0, byStatus: [String: Int] = [:], categories: [String] = [], byDomain: [String: Int] = [:],
        bySourceType: [String: Int] = [:], byTag: [String: Int] = [:], byAudience: [String: Int] = [:]
    ) {
        self.total = total
        self.byStatus = byStatus
        self.categories = categories
        self.byDomain = byDomain
        self.bySourceType = bySourceType
        self.byTag = byTag
        self.byAudience = byAudience
    }
}
