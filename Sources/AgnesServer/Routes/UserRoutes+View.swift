import AgnesCore
import Foundation

extension UserRoutes {
    /// A user on the wire (`UserResponse`, REFERENCE §1.10). Absent values are `null`, as the
    /// original's clients expect every key.
    struct UserView: Encodable {
        /// One of the user's groups.
        struct GroupBrief: Encodable {
            let id: String
            let name: String
            let isSystem: Bool
            let origin: GroupOrigin

            enum CodingKeys: String, CodingKey {
                case id, name, origin
                case isSystem = "is_system"
            }
        }

        let user: User
        let groups: [GroupBrief]
        let isAdmin: Bool
        let isSSOUser: Bool
        var inviteURL: String?
        var inviteEmailSent: Bool?

        init(_ user: User, index: MembershipIndex) {
            self.user = user
            groups = index.memberships(of: user.id).map { _, group in
                GroupBrief(
                    id: group.id, name: group.name, isSystem: group.isSystem, origin: index.mapping.origin(of: group))
            }
            isAdmin = index.isAdmin(user.id)
            isSSOUser = index.isSSOManaged(user.id)
        }

        enum CodingKeys: String, CodingKey {
            case id, email, name, role, groups, active
            case isAdmin = "is_admin"
            case isSSOUser = "is_sso_user"
            case createdAt = "created_at"
            case deactivatedAt = "deactivated_at"
            case inviteURL = "invite_url"
            case inviteEmailSent = "invite_email_sent"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(user.id, forKey: .id)
            try container.encode(user.email, forKey: .email)
            try container.encode(user.name, forKey: .name)
            try container.encode(isAdmin ? "admin" : "user", forKey: .role)
            try container.encode(isAdmin, forKey: .isAdmin)
            try container.encode(isSSOUser, forKey: .isSSOUser)
            try container.encode(groups, forKey: .groups)
            try container.encode(user.isActive, forKey: .active)
            try container.encode(user.createdAt?.wireText ?? "", forKey: .createdAt)
            try container.encode(user.deactivatedAt?.wireText, forKey: .deactivatedAt)
            try container.encode(inviteURL, forKey: .inviteURL)
            try container.encode(inviteEmailSent, forKey: .inviteEmailSent)
        }
    }
}
