import Foundation

/// A named set of users; grants are given to groups.
public struct Group: Sendable, Hashable, Codable {
    /// Stable id.
    public var id: String
    /// Unique name (`Admin`, `Everyone`, or admin/Google-created).
    public var name: String
    /// Free text.
    public var description: String?
    /// True for the seeded system groups.
    public var isSystem: Bool
    /// Creation time.
    public var createdAt: Date?
    /// Who created it (`system:seed`, `system:google-sync`, or a user).
    public var createdBy: String?

    /// Creates a group value.
    public init(
        id: String, name: String, description: String? = nil, isSystem: Bool = false, createdAt: Date? = nil,
        createdBy: String? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.isSystem = isSystem
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// How a membership came to be.
public enum MembershipSource: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    case googleSync = "google_sync"
    case systemSeed = "system_seed"
    case cliBreakGlass = "cli_break_glass"
}

/// One user's membership in one group.
public struct Membership: Sendable, Hashable, Codable {
    /// The member.
    public var userID: String
    /// The group.
    public var groupID: String
    /// How the membership was made.
    public var source: MembershipSource
    /// When it was made.
    public var addedAt: Date?
    /// Who made it.
    public var addedBy: String?

    /// Creates a membership value.
    public init(userID: String, groupID: String, source: MembershipSource, addedAt: Date? = nil, addedBy: String? = nil)
    {
        self.userID = userID
        self.groupID = groupID
        self.source = source
        self.addedAt = addedAt
        self.addedBy = addedBy
    }
}
