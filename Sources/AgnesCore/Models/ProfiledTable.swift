import Foundation

/// A table that has a stored profile, and when it was profiled (without the profile itself).
public struct ProfiledTable: Sendable, Hashable, Codable {
    /// The profiled table.
    public var tableID: String
    /// When it was profiled.
    public var profiledAt: Date?

    /// Creates a value.
    public init(tableID: String, profiledAt: Date? = nil) {
        self.tableID = tableID
        self.profiledAt = profiledAt
    }
}
