import Foundation

/// One piece of corporate memory: a fact, rule or practice contributed by a user or extracted from
/// a session, reviewed by admins before it reaches everyone's agent.
public struct KnowledgeItem: Sendable, Hashable, Codable {
    /// Stable id.
    public var id: String
    /// Short headline (required).
    public var title: String
    /// The knowledge itself.
    public var content: String?
    /// Free-form category.
    public var category: String?
    /// Topic tags.
    public var tags: [String]
    /// Review state.
    public var status: KnowledgeStatus
    /// Everyone who contributed it.
    public var contributors: [String]
    /// The contributing user's email.
    public var sourceUser: String?
    /// Who may see it: nil or `all` for everyone, `group:<name>` for one group.
    public var audience: String?
    /// Confidence in 0...1.
    public var confidence: Double?
    /// Business domain (`finance`, `engineering`, …).
    public var domain: String?
    /// Named entities it mentions.
    public var entities: [String]
    /// Where it came from (`claude_local_md`, `session`, `manual`, …).
    public var sourceType: String?
    /// A pointer into the source (file, session, message).
    public var sourceRef: String?
    /// Start of validity.
    public var validFrom: Date?
    /// End of validity.
    public var validUntil: Date?
    /// The id of the item this one replaces.
    public var supersedes: String?
    /// Sensitivity label (`internal` by default).
    public var sensitivity: String?
    /// Personal items are visible only to their contributor and to admins.
    public var isPersonal: Bool
    /// Creation time.
    public var createdAt: Date?
    /// Last change time.
    public var updatedAt: Date?

    /// Creates a knowledge item value.
    public init(
        id: String, title: String, content: String? = nil, category: String? = nil, tags: [String] = [],
        status: KnowledgeStatus = .pending, contributors: [String] = [], sourceUser: String? = nil,
        audience: String? = nil, confidence: Double? = nil, domain: String? = nil, entities: [String] = [],
        sourceType: String? = "claude_local_md", sourceRef: String? = nil, validFrom: Date? = nil,
        validUntil: Date? = nil, supersedes: String? = nil, sensitivity: String? = "internal",
        isPersonal: Bool = false, createdAt: Date? = nil, updatedAt: Date? = nil
    ) {
        self.id = id
        self.title = title
        self.content = content
        self.category = category
        self.tags = tags
        self.status = status
        self.contributors = contributors
        self.sourceUser = sourceUser
        self.audience = audience
        self.confidence = confidence
        self.domain = domain
        self.entities = entities
        self.sourceType = sourceType
        self.sourceRef = sourceRef
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.supersedes = supersedes
        self.sensitivity = sensitivity
        self.isPersonal = isPersonal
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
