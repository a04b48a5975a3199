import Foundation

/// Which audit entries to read. Every condition set must hold; an empty filter matches everything.
public struct AuditLogFilter: Sendable, Hashable {
    /// Only entries by this user.
    public var userID: String?
    /// Only entries whose action starts with one of these (literally); empty means any action.
    public var actionPrefixes: [String]
    /// Only entries whose action is exactly one of these; empty means any action.
    public var actions: [String]
    /// Only entries at or after this time.
    public var since: Date?
    /// At most this many entries (ignored by `count`).
    public var limit: Int?
    /// Skip this many entries first (ignored by `count`).
    public var offset: Int

    /// Creates a filter.
    public init(
        userID: String? = nil, actionPrefixes: [String] = [], actions: [String] = [], since: Date? = nil,
        limit: Int? = nil, offset: Int = 0
    ) {
        self.actions = actions
        self.userID = userID
        self.actionPrefixes = actionPrefixes
        self.since = since
        self.limit = limit
        self.offset = offset
    }
}
