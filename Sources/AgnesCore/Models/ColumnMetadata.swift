import Foundation

/// Documentation of one column of a registered table: its base type and description, and how sure we are.
public struct ColumnMetadata: Sendable, Hashable, Codable {
    /// The table's registry id.
    public var tableID: String
    /// The column.
    public var columnName: String
    /// Keboola base type (`STRING`, `INTEGER`, `NUMERIC`, `DATE`, …).
    public var basetype: String?
    /// Free text.
    public var description: String?
    /// Tag FQNs from a catalog (`PII.Sensitive`), empty when none.
    public var tags: [String]
    /// `manual` by default, or a level an AI proposal assigned.
    public var confidence: String
    /// Who wrote it (`manual` by default; see ``MetadataSource``).
    public var source: String
    /// Last update time.
    public var updatedAt: Date?

    /// Creates a column-metadata value.
    public init(
        tableID: String, columnName: String, basetype: String? = nil, description: String? = nil,
        tags: [String] = [], confidence: String = "manual", source: String = MetadataSource.manual,
        updatedAt: Date? = nil
    ) {
        self.tableID = tableID
        self.columnName = columnName
        self.basetype = basetype
        self.description = description
        self.tags = tags
        self.confidence = confidence
        self.source = source
        self.updatedAt = updatedAt
    }
}
