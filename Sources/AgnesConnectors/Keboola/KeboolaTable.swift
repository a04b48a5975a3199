import Foundation

/// A table as the tables list or the table detail gives it.
public struct KeboolaTable: Sendable, Hashable, Decodable {
    /// `in.c-main.orders`.
    public var id: String
    /// `orders`.
    public var name: String
    /// The bucket's id, `in.c-main`.
    public var bucketID: String
    /// The bucket's name, `c-main`.
    public var bucketName: String?
    /// Column names in table order.
    public var columns: [String]
    /// Primary key columns (empty when none).
    public var primaryKey: [String]
    /// Rows, when known (aliases may say null).
    public var rowsCount: Int64?
    /// Bytes, when known.
    public var dataSizeBytes: Int64?
    /// When the data last changed, as Keboola wrote it (`2026-01-01T00:00:00+0100`).
    public var lastChangeDate: String?
    /// When data was last imported.
    public var lastImportDate: String?
    /// An alias of another table (its types come from the source table's metadata).
    public var isAlias: Bool
    /// A table with native types (its `definition` gives each column's base type).
    public var isTyped: Bool
    /// The table's own metadata.
    public var metadata: [KeboolaMetadata]
    /// Each column's metadata entries (an alias's come from its source table).
    public var columnMetadata: [String: [KeboolaMetadata]]
    /// For typed tables: each column's base type and native definition.
    public var definition: [String: ColumnDefinition]

    /// A typed table's column definition.
    public struct ColumnDefinition: Sendable, Hashable {
        /// `STRING`, `INTEGER`, …
        public var basetype: String?
        /// The backend type, `NUMBER`, `VARCHAR`, …
        public var type: String?
        /// `38,0`, `16777216`, …
        public var length: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, name, bucket, columns, primaryKey, rowsCount, dataSizeBytes, lastChangeDate, lastImportDate, isAlias
        case isTyped, metadata, columnMetadata, definition, sourceTable
    }
    enum BucketKeys: String, CodingKey { case id, name }
    enum SourceKeys: String, CodingKey { case columnMetadata }
    enum DefinitionKeys: String, CodingKey { case columns }
    enum DefinedColumnKeys: String, CodingKey { case name, definition, basetype }
    enum NativeKeys: String, CodingKey { case type, length }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = (try? container.decodeIfPresent(String.self, forKey: .name)) ?? String(id.split(separator: ".").last ?? "")
        if let bucket = try? container.nestedContainer(keyedBy: BucketKeys.self, forKey: .bucket) {
            bucketID = (try? bucket.decode(String.self, forKey: .id)) ?? Self.bucketID(of: id)
            bucketName = try? bucket.decodeIfPresent(String.self, forKey: .name)
        } else {
            bucketID = Self.bucketID(of: id)
        }
        columns = (try? container.decodeIfPresent([String].self, forKey: .columns)) ?? []
        primaryKey = (try? container.decodeIfPresent([String].self, forKey: .primaryKey)) ?? []
        rowsCount = try container.decodeLenientInt(forKey: .rowsCount)
        dataSizeBytes = try container.decodeLenientInt(forKey: .dataSizeBytes)
        lastChangeDate = try? container.decodeIfPresent(String.self, forKey: .lastChangeDate)
        lastImportDate = try? container.decodeIfPresent(String.self, forKey: .lastImportDate)
        isAlias = (try? container.decodeIfPresent(Bool.self, forKey: .isAlias)) ?? false
        isTyped = (try? container.decodeIfPresent(Bool.self, forKey: .isTyped)) ?? false
        metadata = (try? container.decodeIfPresent([KeboolaMetadata].self, forKey: .metadata)) ?? []
        // PHP writes an empty map as `[]`: that decodes as no metadata.
        var columnMetadata = (try? container.decodeIfPresent([String: [KeboolaMetadata]].self, forKey: .columnMetadata)) ?? [:]
        if columnMetadata.isEmpty, isAlias,
            let source = try? container.nestedContainer(keyedBy: SourceKeys.self, forKey: .sourceTable)
        {
            columnMetadata = (try? source.decodeIfPresent([String: [KeboolaMetadata]].self, forKey: .columnMetadata)) ?? [:]
        }
        self.columnMetadata = columnMetadata
        var definition: [String: ColumnDefinition] = [:]
        if let block = try? container.nestedContainer(keyedBy: DefinitionKeys.self, forKey: .definition),
            var list = try? block.nestedUnkeyedContainer(forKey: .columns)
        {
            while !list.isAtEnd {
                guard let column = try? list.nestedContainer(keyedBy: DefinedColumnKeys.self),
                    let name = try? column.decode(String.self, forKey: .name)
                else { break }
                let native = try? column.nestedContainer(keyedBy: NativeKeys.self, forKey: .definition)
                definition[name] = ColumnDefinition(
                    basetype: try? column.decodeIfPresent(String.self, forKey: .basetype),
                    type: try? native?.decodeIfPresent(String.self, forKey: .type),
                    length: try native?.decodeLenientString(forKey: .length))
            }
        }
        self.definition = definition
    }

    /// `in.c-main` of `in.c-main.orders`.
    static func bucketID(of tableID: String) -> String {
        let parts = tableID.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count > 1 ? parts.dropLast().joined(separator: ".") : ""
    }

    /// The newest value of a table metadata key (`KBC.description`).
    public func tableMetadata(_ key: String) -> String? {
        KeboolaColumnType.preferred(metadata.filter { $0.key == key })?.value
    }
}
