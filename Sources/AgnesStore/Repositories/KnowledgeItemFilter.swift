import AgnesCore

/// Which knowledge items to list. Every condition set must hold; the default matches every
/// non-personal item.
public struct KnowledgeItemFilter: Sendable, Hashable {
    /// Only items with one of these ids; nil means any id.
    public var ids: [String]?
    /// Only items in one of these states; empty means any state.
    public var statuses: [KnowledgeStatus]
    /// Only items of this domain.
    public var domain: String?
    /// Only items of this category.
    public var category: String?
    /// Only items of this source type.
    public var sourceType: String?
    /// Only items contributed by this user (email).
    public var sourceUser: String?
    /// Leave out personal items.
    public var excludesPersonal: Bool
    /// Only items whose title or content contains this text, case-insensitively. `%` and `_` match
    /// themselves.
    public var search: String?
    /// Only items the user with this id may see by audience: audience nil or `all`, `group:<name>` for
    /// one of their groups, or a domain granted to one of their groups as a `memory_domain`. Nil: no
    /// audience restriction (admins). Personal items are governed by ``excludesPersonal`` alone.
    public var viewerID: String?
    /// Only items of this audience; a NULL audience counts as `all`.
    public var audience: String?
    /// Only items in an unresolved relation of this type (e.g. `likely_duplicate`).
    public var unresolvedRelationType: String?
    /// At most this many items (ignored by `count`).
    public var limit: Int?
    /// Skip this many items first (ignored by `count`).
    public var offset: Int

    /// Creates a filter.
    public init(
        ids: [String]? = nil, statuses: [KnowledgeStatus] = [], domain: String? = nil, category: String? = nil,
        sourceType: String? = nil,
        sourceUser: String? = nil, excludesPersonal: Bool = true, search: String? = nil, viewerID: String? = nil,
        audience: String? = nil, unresolvedRelationType: String? = nil, limit: Int? = nil, offset: Int = 0
    ) {
        self.ids = ids
        self.statuses = statuses
        self.domain = domain
        self.category = category
        self.sourceType = sourceType
        self.sourceUser = sourceUser
        self.excludesPersonal = excludesPersonal
        self.search = search
        self.viewerID = viewerID
        self.audience = audience
        self.unresolvedRelationType = unresolvedRelationType
        self.limit = limit
        self.offset = offset
    }
}
