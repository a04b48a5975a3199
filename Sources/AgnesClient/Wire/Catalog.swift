import Foundation
import NIOHTTP1

/// A table of the catalog (`GET /api/v2/catalog`, or the older `GET /api/catalog/tables`).
public struct CatalogTable: Decodable, Sendable {
    /// The table id.
    public var id: String
    /// The display name.
    public var name: String
    /// What it holds.
    public var description: String?
    /// The connector.
    public var sourceType: String?
    /// `local`, `remote` or `materialized`.
    public var queryMode: String?
    /// `duckdb` or `bigquery` (v2 only).
    public var sqlFlavor: String?
    /// How to fetch it (v2 only).
    public var fetchVia: String?

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case sourceType = "source_type"
        case queryMode = "query_mode"
        case sqlFlavor = "sql_flavor"
        case fetchVia = "fetch_via"
    }
}

extension AgnesAPI {
    private struct CatalogPage: Decodable {
        let tables: [CatalogTable]
    }

    /// The catalog: `GET /api/v2/catalog`, falling back to `GET /api/catalog/tables`, then to the
    /// sync manifest (ids, modes and sources only) on servers without either.
    public func catalog() async throws -> [CatalogTable] {
        do {
            return try await get("/api/v2/catalog", as: CatalogPage.self).tables
        } catch let error as ClientError where error.code == .notFound {
            do {
                return try await get("/api/catalog/tables", as: CatalogPage.self).tables
            } catch let error as ClientError where error.code == .notFound {
                return try await manifest().tables.sorted { $0.key < $1.key }.map { id, table in
                    CatalogTable(
                        id: id, name: id, description: nil, sourceType: table.sourceType, queryMode: table.queryMode,
                        sqlFlavor: nil, fetchVia: nil)
                }
            }
        }
    }

    /// `GET /api/v2/schema/{id}`.
    public func schema(table: String) async throws -> JSONValue {
        try await get("/api/v2/schema/\(PathSegment.encode(table))")
    }

    /// `GET /api/v2/sample/{id}?n=`.
    public func sample(table: String, rows: Int) async throws -> JSONValue {
        try await get("/api/v2/sample/\(PathSegment.encode(table))", query: [("n", String(rows))])
    }

    /// `GET /api/catalog/profile/{table}`.
    public func profile(table: String) async throws -> JSONValue {
        try await get("/api/catalog/profile/\(PathSegment.encode(table))")
    }

    /// `GET /api/metrics[?category=]`.
    public func metrics(category: String? = nil) async throws -> JSONValue {
        try await get("/api/metrics", query: category.map { [("category", $0)] } ?? [])
    }

    /// `GET /api/metrics/{category/name}`.
    public func metric(id: String) async throws -> JSONValue {
        try await get("/api/metrics/\(PathSegment.encodePath(id))")
    }

    /// `GET /api/health`.
    public func health() async throws -> JSONValue {
        try await get("/api/health")
    }

    /// `GET /api/health/detailed`.
    public func detailedHealth() async throws -> JSONValue {
        try await get("/api/health/detailed")
    }

    /// `GET /api/version`.
    public func version() async throws -> JSONValue {
        try await get("/api/version")
    }
}
