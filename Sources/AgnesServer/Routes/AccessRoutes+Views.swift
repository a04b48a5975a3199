import AgnesCore
import AgnesStore
import Foundation

/// The wire shapes of the access routes (REFERENCE §1.11). Absent values are `null`: the original's
/// clients expect every key.
extension AccessRoutes {
    /// `GroupResponse`; in the access overview, the same without `created_at`.
    struct GroupView: Encodable {
        let group: Group
        let memberCount: Int
        let grantCount: Int
        let origin: GroupOrigin
        let isGoogleManaged: Bool
        let mappedEmail: String?
        var includesCreatedAt = true

        init(_ group: Group, counts: DuckDBGroupRepository.Counts?, mapping: WorkspaceGroupMapping) {
            self.group = group
            memberCount = counts?.members ?? 0
            grantCount = counts?.grants ?? 0
            origin = mapping.origin(of: group)
            isGoogleManaged = mapping.isGoogleManaged(group)
            mappedEmail = mapping.mappedEmail(of: group)
        }

        enum CodingKeys: String, CodingKey {
            case id, name, description, origin
            case isSystem = "is_system"
            case createdAt = "created_at"
            case createdBy = "created_by"
            case memberCount = "member_count"
            case grantCount = "grant_count"
            case isGoogleManaged = "is_google_managed"
            case mappedEmail = "mapped_email"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(group.id, forKey: .id)
            try container.encode(group.name, forKey: .name)
            try container.encode(group.description, forKey: .description)
            try container.encode(group.isSystem, forKey: .isSystem)
            try container.encode(origin, forKey: .origin)
            if includesCreatedAt { try container.encode(group.createdAt?.wireText, forKey: .createdAt) }
            try container.encode(group.createdBy, forKey: .createdBy)
            try container.encode(memberCount, forKey: .memberCount)
            try container.encode(grantCount, forKey: .grantCount)
            try container.encode(isGoogleManaged, forKey: .isGoogleManaged)
            try container.encode(mappedEmail, forKey: .mappedEmail)
        }
    }

    /// `MemberResponse`: a member of a group.
    struct MemberView: Encodable {
        let user: User
        let membership: Membership

        enum CodingKeys: String, CodingKey {
            case email, name, active, source
            case userID = "user_id"
            case addedAt = "added_at"
            case addedBy = "added_by"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(user.id, forKey: .userID)
            try container.encode(user.email, forKey: .email)
            try container.encode(user.name, forKey: .name)
            try container.encode(user.isActive, forKey: .active)
            try container.encode(membership.source.rawValue, forKey: .source)
            try container.encode(membership.addedAt?.wireText, forKey: .addedAt)
            try container.encode(membership.addedBy, forKey: .addedBy)
        }
    }

    /// `UserMembershipResponse`: one of a user's groups.
    struct MembershipView: Encodable {
        let membership: Membership
        let group: Group
        let origin: GroupOrigin

        enum CodingKeys: String, CodingKey {
            case origin, source
            case groupID = "group_id"
            case groupName = "group_name"
            case isSystem = "is_system"
            case addedAt = "added_at"
            case addedBy = "added_by"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(group.id, forKey: .groupID)
            try container.encode(group.name, forKey: .groupName)
            try container.encode(group.isSystem, forKey: .isSystem)
            try container.encode(origin, forKey: .origin)
            try container.encode(membership.source.rawValue, forKey: .source)
            try container.encode(membership.addedAt?.wireText, forKey: .addedAt)
            try container.encode(membership.addedBy, forKey: .addedBy)
        }
    }

    /// `GrantResponse`: a grant with its group's name.
    struct GrantView: Encodable {
        let grant: ResourceGrant
        let groupName: String

        enum CodingKeys: String, CodingKey {
            case id
            case groupID = "group_id"
            case groupName = "group_name"
            case resourceType = "resource_type"
            case resourceID = "resource_id"
            case assignedAt = "assigned_at"
            case assignedBy = "assigned_by"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(grant.id, forKey: .id)
            try container.encode(grant.groupID, forKey: .groupID)
            try container.encode(groupName, forKey: .groupName)
            try container.encode(grant.resourceType.rawValue, forKey: .resourceType)
            try container.encode(grant.resourceID, forKey: .resourceID)
            try container.encode(grant.assignedAt?.wireText, forKey: .assignedAt)
            try container.encode(grant.assignedBy, forKey: .assignedBy)
        }
    }

    /// The explicit grant graph of one user: what each of their groups was granted (admins are not
    /// short-circuited: this shows the wiring, not the runtime decision).
    struct EffectiveAccess: Encodable {
        struct Item: Encodable {
            let resourceType: String
            let resourceID: String
            var viaGroups: [Via] = []

            enum CodingKeys: String, CodingKey {
                case resourceType = "resource_type"
                case resourceID = "resource_id"
                case viaGroups = "via_groups"
            }
        }

        struct Via: Encodable {
            let groupID: String
            let groupName: String

            enum CodingKeys: String, CodingKey {
                case groupID = "group_id"
                case groupName = "group_name"
            }
        }

        let isAdmin: Bool
        let items: [Item]

        enum CodingKeys: String, CodingKey {
            case items
            case isAdmin = "is_admin"
        }
    }
}
