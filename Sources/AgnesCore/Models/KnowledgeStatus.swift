/// Where a corporate-memory item stands in review.
public enum KnowledgeStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case approved
    case mandatory
    case rejected
    case revoked
    case expired
}
