import AgnesCore
import Foundation

/// A partial update of a table registration. A field left nil is not touched; for optional columns,
/// `.some(nil)` clears the stored value.
///
/// ```swift
/// var changes = TableRegistrationChanges()
/// changes.queryMode = .local
/// changes.sourceQuery = .some(nil)  // a local table has no query
/// ```
public struct TableRegistrationChanges: Sendable, Hashable {
    /// New name.
    public var name: String?
    /// New source type, or `.some(nil)` to clear it.
    public var sourceType: String??
    /// New bucket, or `.some(nil)` to clear it.
    public var bucket: String??
    /// New source table, or `.some(nil)` to clear it.
    public var sourceTable: String??
    /// New source query, or `.some(nil)` to clear it.
    public var sourceQuery: String??
    /// New sync strategy.
    public var syncStrategy: SyncStrategy?
    /// New query mode.
    public var queryMode: QueryMode?
    /// New schedule, or `.some(nil)` to clear it.
    public var syncSchedule: String??
    /// New profile-after-sync flag.
    public var profileAfterSync: Bool?
    /// New primary key (empty clears it).
    public var primaryKey: [String]?
    /// New folder, or `.some(nil)` to clear it.
    public var folder: String??
    /// New description, or `.some(nil)` to clear it.
    public var description: String??
    /// New partition column, or `.some(nil)` to clear it.
    public var partitionBy: String??

    /// Creates an empty change set.
    public init() {}

    /// True when nothing would change.
    public var isEmpty: Bool { self == TableRegistrationChanges() }

    /// `registration` with these changes applied; id, registrant and registration time are kept.
    public func applied(to registration: TableRegistration) -> TableRegistration {
        var result = registration
        if let name { result.name = name }
        if let sourceType { result.sourceType = sourceType }
        if let bucket { result.bucket = bucket }
        if let sourceTable { result.sourceTable = sourceTable }
        if let sourceQuery { result.sourceQuery = sourceQuery }
        if let syncStrategy { result.syncStrategy = syncStrategy }
        if let partitionBy { result.partitionBy = partitionBy }
        if let queryMode { result.queryMode = queryMode }
        if let syncSchedule { result.syncSchedule = syncSchedule }
        if let profileAfterSync { result.profileAfterSync = profileAfterSync }
        if let primaryKey { result.primaryKey = primaryKey }
        if let folder { result.folder = folder }
        if let description { result.description = description }
        return result
    }
}
