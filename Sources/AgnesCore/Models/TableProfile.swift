import Foundation

/// A table's stored profile: the profiler's JSON document and when it was made.
public struct TableProfile: Sendable, Hashable, Codable {
    /// The profiled table.
    public var tableID: String
    /// The profile, as JSON text.
    public var profileJSON: String
    /// When it was profiled.
    public var profiledAt: Date?

    /// Creates a profile value.
    public init(tableID: String, profileJSON: String, profiledAt: Date? = nil) {
        self.tableID = tableID
        self.profileJSON = profileJSON
        self.profiledAt = profiledAt
    }

    /// The profile decoded as `T`.
    public func decoded<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(profileJSON.utf8))
    }
}
