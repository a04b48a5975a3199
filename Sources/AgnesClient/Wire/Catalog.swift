import AsyncHTTPClient
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
    ///
    /// With `refresh`, the catalog requests carry `Cache-Control: no-cache` (and `Pragma: no-cache`
    /// for HTTP/1.0 caches), so an HTTP cache between the CLI and the server (a proxy, a CDN) must ask
    /// the server again instead of answering from what it kept. The CLI itself keeps no copy.
    public func catalog(refresh: Bool = false) async throws -> [CatalogTable] {
        func page(_ path: String) async throws -> [CatalogTable] {
            var request = request(.GET, path)
            if refresh {
                request.headers.add(name: "Cache-Control", value: "no-cache")
                request.headers.add(name: "Pragma", value: "no-cache")
            }
            return try await send(request).decode(CatalogPage.self).tables
        }
        do {
            return try await page("/api/v2/catalog")
        } catch let error as ClientError where error.code == .notFound {
            do {
                return try await page("/api/catalog/tables")
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

    /// `GET path` without the bearer token, whatever the status: a page as a browser would load it.
    public func anonymousPage(_ path: String) async throws -> APIResponse {
        var request = request(.GET, path)
        request.headers.remove(name: "Authorization")
        return try await exchange(request)
    }

    /// `GET /api/version`.
    public func version() async throws -> JSONValue {
        try await get("/api/version")
    }
}
