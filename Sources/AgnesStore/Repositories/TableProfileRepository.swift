import AgnesCore
import Foundation

/// Stored table profiles: the profiler's JSON document per table.
public protocol TableProfileRepository: Sendable {
    /// Stores a profile (JSON text), replacing any earlier one; profiled now. `invalid_value` when
    /// the text is not JSON.
    @discardableResult
    func save(tableID: String, profileJSON: String) async throws -> TableProfile
    /// The profile of one table.
    func find(tableID: String) async throws -> TableProfile?
    /// Deletes a table's profile. Returns false when there was none.
    @discardableResult
    func delete(tableID: String) async throws -> Bool
    /// Every profiled table and when it was profiled, ordered by table.
    func list() async throws -> [ProfiledTable]
}

extension TableProfileRepository {
    /// Stores `profile` encoded as JSON, members in the order it encodes them (sample rows keep the
    /// table's column order), replacing any earlier one.
    ///
    /// ```swift
    /// try await profiles.save(tableID: "orders", profile: ["row_count": 42])
    /// ```
    @discardableResult
    public func save<Profile: Encodable & Sendable>(tableID: String, profile: Profile) async throws -> TableProfile {
        try await save(tableID: tableID, profileJSON: try JSONText.encodedInOrder(profile, column: "profile"))
    }
}
