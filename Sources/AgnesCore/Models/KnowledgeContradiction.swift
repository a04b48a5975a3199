import Foundation

/// Two knowledge items that disagree, flagged for an admin to settle.
public struct KnowledgeContradiction: Sendable, Hashable, Codable {
    /// Stable id (`kc_<12 hex>`).
    public var id: String
    /// The first item.
    public var itemAID: String
    /// The second item.
    public var itemBID: String
    /// Why they disagree.
    public var explanation: String?
    /// How much it matters (`low`, `medium`, `high`).
    public var severity: String?
    /// A proposed fix: JSON-encoded object text, or a plain string from older versions.
    public var suggestedResolution: String?
    /// True once settled.
    public var isResolved: Bool
    /// Who settled it.
    public var resolvedBy: String?
    /// When it was settled.
    public var resolvedAt: Date?
    /// How it was settled (`kept_a`, `kept_b`, `merged`, `both_valid`).
    public var resolution: String?
    /// When it was detected.
    public var detectedAt: Date?

    /// Creates a contradiction value.
    public init(
        id: String, itemAID: String, itemBID: String, explanation: String? = nil, severity: String? = nil,
        suggestedResolution: String? = nil, isResolved: Bool = false, resolvedBy: String? = nil,
        resolvedAt: Date? = nil, resolution: String? = nil, detectedAt: Date? = nil
    ) {
        self.id = id
        self.itemAID = itemAID
        self.itemBID = itemBID
        self.explanation = explanation
        self.severity = severity
        self.suggestedResolution = suggestedResolution
        self.isResolved = isResolved
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
        self.resolution = resolution
        self.detectedAt = detectedAt
    }
}
