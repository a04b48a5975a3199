import Foundation

/// An admin override of a template; `content` nil means "use the shipped default".
public struct StoredTemplate: Sendable, Hashable, Codable {
    /// The override text, nil for the default.
    public var content: String?
    /// When it was last set or reset.
    public var updatedAt: Date?
    /// Who last set or reset it.
    public var updatedBy: String?

    /// Creates a template value.
    public init(content: String? = nil, updatedAt: Date? = nil, updatedBy: String? = nil) {
        self.content = content
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    /// True when no override is stored.
    public var isDefault: Bool { content == nil }
}
