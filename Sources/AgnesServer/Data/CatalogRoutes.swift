import AgnesAuth
import AgnesCore
import AgnesData
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The catalog of registered tables and their profiles (REFERENCE §1.7): `GET /api/catalog/tables`,
/// `GET /api/catalog/profile/{table}` and `POST /api/catalog/profile/{table}/refresh`.
///
/// Every surface is filtered by the caller's `table` grants on the registry id: the list leaves out
/// what the caller may not read, the profile routes answer 403 for it (before looking for a profile,
/// so a 404 never tells a caller without a grant that a table exists). Unlike the original, which
/// re-profiled the first `extracts/**/data/<name>.parquet` it found, a refresh profiles exactly the
/// file the current generation serves for that id.
struct CatalogRoutes {
    let services: AgnesServices

    struct TableItem: Encodable {
        let id: String
        let name: String
        let description: String?
        let sourceType: String?
        let syncStrategy: String
        let queryMode: String

        enum CodingKeys: String, CodingKey {
            case id, name, description
            case sourceType = "source_type"
            case syncStrategy = "sync_strategy"
            case queryMode = "query_mode"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(description, forKey: .description)  // null, not absent
            try container.encode(sourceType, forKey: .sourceType)
            try container.encode(syncStrategy, forKey: .syncStrategy)
            try container.encode(queryMode, forKey: .queryMode)
        }
    }

    struct TablesResponse: Encodable {
        let tables: [TableItem]
        let count: Int
    }

    struct RefreshResponse: Encodable {
        let status: String
        let table: String
        let columns: Int
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/catalog/tables") { request, context in
            try await tables(request, context)
        }
        router.get("/api/catalog/profile/:table") { request, context in
            try await profile(request, context)
        }
        router.post("/api/catalog/profile/:table/refresh") { request, context in
            try await refresh(request, context)
        }
    }

    func tables(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let readable = try await services.access.readableTables(caller)
        // A table the admin left undescribed shows what the catalog export brought for it.
        let documented = try await DuckDBTableMetadataRepository(store: services.store).descriptions()
        let items = try await DuckDBTableRegistryRepository(store: services.store).list(sourceType: nil)
            .filter { readable?.contains($0.id) ?? true }
            .map { table in
                let description = table.description?.isEmpty == false ? table.description : documented[table.id]
                return TableItem(
                    id: table.id, name: table.name, description: description ?? table.description,
                    sourceType: table.sourceType, syncStrategy: table.syncStrategy.rawValue,
                    queryMode: table.queryMode.rawValue)
            }
        return JSONBody.response(object: TablesResponse(tables: items, count: items.count))
    }

    /// The caller, who must be allowed to read `table` (403 `Access denied to table '<table>'`).
    func reader(of table: String, _ request: Request, _ context: AgnesRequestContext) async throws
        -> AuthenticatedUser
    {
        let caller = try await services.caller(request, context)
        guard try await services.access.canRead(caller, table: table) else {
            throw APIError(.forbidden, "Access denied to table '\(table)'")
        }
        return caller
    }

    func profile(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let table = context.parameters.get("table") ?? ""
        _ = try await reader(of: table, request, context)
        if let stored = try await DuckDBTableProfileRepository(store: services.store).find(tableID: table),
            let body = Self.withProfiledAt(stored)
        {
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        if let legacy = Self.legacyProfile(table, layout: services.layout) {
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: legacy)))
        }
        throw APIError.notFound("Profile not found for '\(table)'")
    }

    func refresh(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let table = context.parameters.get("table") ?? ""
        _ = try await reader(of: table, request, context)
        let document: ProfileDocument
        do {
            document = try await services.profiling.profile(tableID: table)
        } catch {
            switch error {
            case .noLocalData: throw APIError.notFound("No parquet for '\(table)'")
            case .failed(let message): throw APIError(.internalServerError, "Profile failed: \(message)")
            }
        }
        return JSONBody.response(
            object: RefreshResponse(status: "ok", table: table, columns: document.columns.count))
    }

    /// The stored profile with `profiled_at` added, as the original's repository returned it; nil when
    /// the stored text is not a JSON object.
    static func withProfiledAt(_ stored: TableProfile) -> Data? {
        let text = stored.profileJSON.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("{"), text.hasSuffix("}") else { return nil }
        let profiledAt = stored.profiledAt.map { "\"\($0.wireText)\"" } ?? "null"
        let rest = text.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)
        return Data(("{\"profiled_at\":\(profiledAt)" + (rest == "}" ? "}" : "," + rest)).utf8)
    }

    /// The original's fallback: the table's entry of `DATA_DIR/src_data/metadata/profiles.json`
    /// (under `tables`, or at the top level), as it is.
    static func legacyProfile(_ table: String, layout: DataLayout) -> Data? {
        let file = layout.root.appendingPathComponent("src_data/metadata/profiles.json")
        guard let data = FileManager.default.contents(atPath: file.path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        let tables = object["tables"] as? [String: Any] ?? object
        guard let entry = tables[table], JSONSerialization.isValidJSONObject(entry) else { return nil }
        return try? JSONSerialization.data(withJSONObject: entry, options: [.withoutEscapingSlashes])
    }
}
