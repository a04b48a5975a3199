import Foundation

/// Documentation of a registered table as a catalog describes it: its description, tags, owners and
/// tier. Kept apart from the registration, whose description is the admin's own.
public struct TableMetadata: Sendable, Hashable, Codable {
    /// The table's registry id.
    public var tableID: String
    /// The table's fully qualified name in the catalog it came from.
    public var fqn: String?
    /// Free text.
    public var description: String?
    /// Tag FQNs (`PII.Sensitive`, `Tier.Tier1`).
    public var tags: [String]
    /// Owner names.
    public var owners: [String]
    /// The tier (`Tier1`), when tagged with one.
    public var tier: String?
    /// Who wrote it (``MetadataSource``).
    public var source: String
    /// Last update time.
    public var updatedAt: Date?

    /// Creates a table-metadata value.
    public init(
        tableID: String, fqn: String? = nil, description: String? = nil, tags: [String] = [], owners: [String] = [],
        tier: String? = nil, source: String = MetadataSource.manual, updatedAt: Date? = nil
    ) {
        self.tableID = tableID
        self.fqn = fqn
        self.description = description
        self.tags = tags
        self.owners = owners
        self.tier = tier
        self.source = source
        self.updatedAt = updatedAt
    }
}
