import AgnesCore
import Foundation

/// What a Google sign-in does with the groups the directory reported (REFERENCE §7).
public enum GroupSyncDecision: Sendable, Hashable {
    /// Leave the user's `google_sync` memberships as they are: no group source, a source failure, or an
    /// empty answer (which is as likely a hiccup as a real "no groups").
    case keep(reason: String)
    /// `AGNES_GOOGLE_GROUP_PREFIX` is set and none of a non-empty answer matches it: no sign-in.
    case deny
    /// Replace the user's `google_sync` memberships with these groups (lowercased emails).
    case replace(Set<String>)
}

/// The mapping rules of Google group sync, from the environment: `AGNES_GOOGLE_GROUP_PREFIX` (only
/// groups whose address's local part starts with it count, case-insensitively),
/// `AGNES_GROUP_ADMIN_EMAIL` (maps to the `Admin` group) and `AGNES_GROUP_EVERYONE_EMAIL` (maps to
/// `Everyone`). The prefix filter comes first, so a mapped address must match it too.
///
/// ```swift
/// let rules = GroupSyncRules(environment: settings.environment)
/// rules.decide(fetched: ["grp_acme_eng@example.com"])  // .replace(["grp_acme_eng@example.com"])
/// ```
public struct GroupSyncRules: Sendable, Hashable {
    /// The required prefix of a group address's local part, lowercased; nil when unset.
    public var prefix: String?
    /// The group address that maps to `Admin`, lowercased.
    public var adminGroupEmail: String?
    /// The group address that maps to `Everyone`, lowercased.
    public var everyoneGroupEmail: String?

    /// Creates rules.
    public init(prefix: String? = nil, adminGroupEmail: String? = nil, everyoneGroupEmail: String? = nil) {
        self.prefix = Self.normalized(prefix)
        self.adminGroupEmail = Self.normalized(adminGroupEmail)
        self.everyoneGroupEmail = Self.normalized(everyoneGroupEmail)
    }

    /// Rules from the environment; blank values are unset.
    public init(environment: [String: String]) {
        self.init(
            prefix: environment["AGNES_GOOGLE_GROUP_PREFIX"],
            adminGroupEmail: environment["AGNES_GROUP_ADMIN_EMAIL"],
            everyoneGroupEmail: environment["AGNES_GROUP_EVERYONE_EMAIL"])
    }

    /// What to do with a directory answer.
    public func decide(fetched: [String]) -> GroupSyncDecision {
        let groups = Set(fetched.compactMap(Self.normalized))
        guard !groups.isEmpty else { return .keep(reason: "the directory reported no groups") }
        guard let prefix else { return .replace(groups) }
        let matching = groups.filter { $0.prefix { $0 != "@" }.hasPrefix(prefix) }
        return matching.isEmpty ? .deny : .replace(matching)
    }

    /// The name of the Agnes group a (lowercased) Workspace group maps to: `Admin`, `Everyone`, or the
    /// address itself.
    public func groupName(for email: String) -> String {
        if email == adminGroupEmail { return SystemGroup.admin }
        if email == everyoneGroupEmail { return SystemGroup.everyone }
        return email
    }

    private static func normalized(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(), !text.isEmpty else {
            return nil
        }
        return text
    }
}
