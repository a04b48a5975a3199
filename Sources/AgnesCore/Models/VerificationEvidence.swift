import Foundation

/// A piece of evidence that a knowledge item holds: a user confirming or restating it somewhere.
public struct VerificationEvidence: Sendable, Hashable, Codable {
    /// Stable id.
    public var id: String
    /// The item it supports.
    public var itemID: String
    /// Who provided it.
    public var sourceUser: String?
    /// Where (session file, message).
    public var sourceRef: String?
    /// How it was detected.
    public var detectionType: String?
    /// The user's own words.
    public var userQuote: String?
    /// When it was recorded.
    public var createdAt: Date?

    /// Creates an evidence value.
    public init(
        id: String, itemID: String, sourceUser: String? = nil, sourceRef: String? = nil, detectionType: String? = nil,
        userQuote: String? = nil, createdAt: Date? = nil
    ) {
        self.id = id
        self.itemID = itemID
        self.sourceUser = sourceUser
        self.sourceRef = sourceRef
        self.detectionType = detectionType
        self.userQuote = userQuote
        self.createdAt = createdAt
    }
}
