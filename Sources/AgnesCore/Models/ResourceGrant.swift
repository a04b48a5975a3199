import Foundation

/// The kinds of resource a group can be granted.
public enum ResourceType: String, Sendable, Hashable, Codable, CaseIterable {
    case table
    case memoryDomain = "memory_domain"
    case marketplacePlugin = "marketplace_plugin"
}

/// A group's access to one resource.
public struct ResourceGrant: Sendable, Hashable, Codable {
    /// Stable id.
    public var id: String
    /// The group granted.
    public var groupID: String
    /// The resource kind.
    public var resourceType: ResourceType
    /// The resource id (for tables, the registry id).
    public var resourceID: String
    /// When it was granted.
    public var assignedAt: Date?
    /// Who granted it.
    public var assignedBy: String?

    /// Creates a grant value.
    public init(
        id: String, groupID: String, resourceType: ResourceType, resourceID: String, assignedAt: Date? = nil,
        assignedBy: String? = nil
    ) {
        self.id = id
        self.groupID = groupID
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.assignedAt = assignedAt
        self.assignedBy = assignedBy
    }
}
