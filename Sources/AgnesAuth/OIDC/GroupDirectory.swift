import Foundation

/// Where a user's Google Workspace groups come from: the Directory API, or a fixed list for local
/// development and tests (`GOOGLE_ADMIN_SDK_MOCK_GROUPS`).
public protocol GroupDirectory: Sendable {
    /// The email addresses of the groups `userEmail` belongs to.
    func groups(of userEmail: String) async throws -> [String]
}

/// A directory that answers the same list for everyone (`GOOGLE_ADMIN_SDK_MOCK_GROUPS`).
///
/// ```swift
/// let directory = StaticGroupDirectory(groups: ["eng@example.com"])
/// ```
public struct StaticGroupDirectory: GroupDirectory {
    /// The groups every user is in.
    public let groups: [String]

    /// Creates a directory answering `groups`.
    public init(groups: [String]) { self.groups = groups }

    /// Parses a comma-separated list; blanks are dropped, so an empty value means "no groups".
    public init(commaSeparated list: String) {
        groups = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public func groups(of userEmail: String) async throws -> [String] { groups }
}
