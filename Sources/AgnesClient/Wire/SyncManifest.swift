import Foundation
import NIOHTTP1

/// `GET /api/sync/manifest` (REFERENCE §1.4): the tables the caller may read, keyed by table id.
public struct SyncManifest: Decodable, Sendable {
    /// The tables, keyed by table id.
    public var tables: [String: ManifestTable]
    /// The server's clock when it answered.
    public var serverTime: String?

    /// Creates a manifest (tests, fakes).
    public init(tables: [String: ManifestTable], serverTime: String? = nil) {
        self.tables = tables
        self.serverTime = serverTime
    }

    enum CodingKeys: String, CodingKey {
        case tables
        case serverTime = "server_time"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tables = try container.decodeIfPresent([String: ManifestTable].self, forKey: .tables) ?? [:]
        serverTime = try container.decodeIfPresent(String.self, forKey: .serverTime)
    }
}

/// One table of the manifest.
public struct ManifestTable: Codable, Sendable, Hashable {
    /// The MD5 of the parquet file's bytes (hex), "" when the server does not know it.
    public var hash: String
    /// When the table last synced.
    public var updated: String?
    /// The parquet file's size.
    public var sizeBytes: Int64?
    /// Rows in the table.
    public var rows: Int64?
    /// `local`, `remote` or `materialized`; remote tables are not downloaded.
    public var queryMode: String
    /// The connector it comes from.
    public var sourceType: String

    /// Creates a value.
    public init(
        hash: String, updated: String? = nil, sizeBytes: Int64? = nil, rows: Int64? = nil,
        queryMode: String = "local", sourceType: String = ""
    ) {
        self.hash = hash
        self.updated = updated
        self.sizeBytes = sizeBytes
        self.rows = rows
        self.queryMode = queryMode
        self.sourceType = sourceType
    }

    /// True when the table's data lives on the analyst's machine after a pull.
    public var isDownloaded: Bool { queryMode != "remote" }

    enum CodingKeys: String, CodingKey {
        case hash, updated, rows
        case sizeBytes = "size_bytes"
        case queryMode = "query_mode"
        case sourceType = "source_type"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hash = try container.decodeIfPresent(String.self, forKey: .hash) ?? ""
        updated = try container.decodeIfPresent(String.self, forKey: .updated)
        sizeBytes = try container.decodeIfPresent(Int64.self, forKey: .sizeBytes)
        rows = try container.decodeIfPresent(Int64.self, forKey: .rows)
        queryMode = try container.decodeIfPresent(String.self, forKey: .queryMode) ?? "local"
        sourceType = try container.decodeIfPresent(String.self, forKey: .sourceType) ?? ""
    }
}

extension AgnesAPI {
    /// `GET /api/sync/manifest`.
    public func manifest() async throws -> SyncManifest {
        try await get("/api/sync/manifest")
    }

    /// `POST /api/sync/trigger` (admin): starts a sync of `tables` (all when nil).
    public func triggerSync(tables: [String]?) async throws -> JSONValue {
        if let tables {
            return try await send(.POST, "/api/sync/trigger", json: tables)
        }
        return try await send(request(.POST, "/api/sync/trigger")).decode(JSONValue.self)
    }
}
