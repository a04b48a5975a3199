import Foundation
import NIOHTTP1

/// A column's documentation as `GET /api/admin/metadata/{table_id}` lists it (REFERENCE §1.7).
public struct ColumnDocumentation: Codable, Sendable, Equatable {
    /// The column.
    public var columnName: String
    /// Keboola base type (`STRING`, `INTEGER`, `NUMERIC`, `DATE`, …).
    public var basetype: String?
    /// Free text.
    public var description: String?
    /// `manual`, or the level a proposal assigned.
    public var confidence: String?
    /// Where it came from (`manual` for what the API saved).
    public var source: String?
    /// When it last changed.
    public var updatedAt: String?

    /// Creates a column's documentation.
    public init(
        columnName: String, basetype: String? = nil, description: String? = nil, confidence: String? = nil,
        source: String? = nil, updatedAt: String? = nil
    ) {
        self.columnName = columnName
        self.basetype = basetype
        self.description = description
        self.confidence = confidence
        self.source = source
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case basetype, description, confidence, source
        case columnName = "column_name"
        case updatedAt = "updated_at"
    }
}

extension AgnesAPI {
    private struct TableColumns: Decodable {
        let columns: [ColumnDocumentation]
    }

    /// The body of `POST /api/admin/metadata/{table_id}`: a nil basetype or description is sent as
    /// `null` (the server stores exactly what it gets); a nil confidence is left out (the server's
    /// default, `manual`).
    private struct SaveColumns: Encodable {
        let columns: [ColumnDocumentation]

        struct Column: Encodable {
            let column: ColumnDocumentation

            enum CodingKeys: String, CodingKey {
                case basetype, description, confidence
                case columnName = "column_name"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(column.columnName, forKey: .columnName)
                try container.encode(column.basetype, forKey: .basetype)
                try container.encode(column.description, forKey: .description)
                try container.encodeIfPresent(column.confidence, forKey: .confidence)
            }
        }

        enum CodingKeys: String, CodingKey { case columns }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(columns.map(Column.init), forKey: .columns)
        }
    }

    /// `GET /api/admin/metadata/{table_id}` as the server sent it: `{table_id, columns}` (any reader
    /// of the table, despite the path).
    public func columnMetadata(table: String) async throws -> JSONValue {
        try await get("/api/admin/metadata/\(PathSegment.encode(table))")
    }

    /// `GET /api/admin/metadata/{table_id}`, decoded.
    public func columnDocumentation(table: String) async throws -> [ColumnDocumentation] {
        try await get("/api/admin/metadata/\(PathSegment.encode(table))", as: TableColumns.self).columns
    }

    /// `POST /api/admin/metadata/{table_id} {columns}` (admin): upserts every column given, whole.
    /// Answers `{status, count}`.
    public func saveColumnDocumentation(table: String, columns: [ColumnDocumentation]) async throws -> JSONValue {
        try await send(.POST, "/api/admin/metadata/\(PathSegment.encode(table))", json: SaveColumns(columns: columns))
    }
}
