import Foundation

/// A detected relation between two knowledge items (e.g. a likely duplicate). The pair is stored
/// canonically, `itemAID < itemBID`, so (a, b) and (b, a) are the same relation.
public struct KnowledgeRelation: Sendable, Hashable, Codable {
    /// The smaller item id.
    public var itemAID: String
    /// The larger item id.
    public var itemBID: String
    /// The kind of relation, e.g. `duplicate`.
    public var relationType: String
    /// How strong the detector thinks it is.
    public var score: Double?
    /// True once reviewed.
    public var isResolved: Bool
    /// Who reviewed it.
    public var resolvedBy: String?
    /// When it was reviewed.
    public var resolvedAt: Date?
    /// The verdict (`duplicate`, `different`, `dismissed`).
    public var resolution: String?
    /// When it was detected.
    public var createdAt: Date?

    /// Creates a relation value.
    public init(
        itemAID: String, itemBID: String, relationType: String, score: Double? = nil, isResolved: Bool = false,
        resolvedBy: String? = nil, resolvedAt: Date? = nil, resolution: String? = nil, createdAt: Date? = nil
    ) {
        self.itemAID = itemAID
        self.itemBID = itemBID
        self.relationType = relationType
        self.score = score
        self.isResolved = isResolved
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
        self.resolution = resolution
        self.createdAt = createdAt
    }
}
