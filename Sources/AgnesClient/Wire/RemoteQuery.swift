import Foundation
import NIOHTTP1

/// `POST /api/query` (REFERENCE §1.6): the answer of a query run on the server.
public struct RemoteQueryResult: Codable, Sendable {
    /// Column names.
    public var columns: [String]
    /// Column SQL types, when the server sends them (`column_types`; the original did not).
    public var columnTypes: [String]?
    /// Rows, one value per column.
    public var rows: [[JSONValue]]
    /// Rows returned.
    public var rowCount: Int
    /// True when the server stopped at the limit.
    public var truncated: Bool

    enum CodingKeys: String, CodingKey {
        case columns, rows, truncated
        case columnTypes = "column_types"
        case rowCount = "row_count"
    }

    /// Creates a value.
    public init(columns: [String], columnTypes: [String]? = nil, rows: [[JSONValue]], rowCount: Int, truncated: Bool) {
        self.columns = columns
        self.columnTypes = columnTypes
        self.rows = rows
        self.rowCount = rowCount
        self.truncated = truncated
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        columns = try container.decode([String].self, forKey: .columns)
        columnTypes = try container.decodeIfPresent([String].self, forKey: .columnTypes)
        rows = try container.decode([[JSONValue]].self, forKey: .rows)
        rowCount = try container.decodeIfPresent(Int.self, forKey: .rowCount) ?? rows.count
        truncated = try container.decodeIfPresent(Bool.self, forKey: .truncated) ?? false
    }
}

extension AgnesAPI {
    private struct QueryRequest: Encodable {
        let sql: String
        let limit: Int
    }

    private struct HybridRequest: Encodable {
        let sql: String
        let limit: Int
        let registerBQ: [String: String]

        enum CodingKeys: String, CodingKey {
            case sql, limit
            case registerBQ = "register_bq"
        }
    }

    /// `POST /api/query/hybrid {sql, register_bq, limit}` (admin): BigQuery results joined on the server.
    public func hybridQuery(_ sql: String, registerBQ: [String: String], limit: Int) async throws -> RemoteQueryResult {
        try await send(.POST, "/api/query/hybrid", json: HybridRequest(sql: sql, limit: limit, registerBQ: registerBQ))
    }

    /// `POST /api/query {sql, limit}`.
    public func query(_ sql: String, limit: Int) async throws -> RemoteQueryResult {
        try await send(.POST, "/api/query", json: QueryRequest(sql: sql, limit: limit))
    }
}
