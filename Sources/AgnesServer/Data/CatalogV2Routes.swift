import AgnesAuth
import AgnesCore
import AgnesData
import AgnesStore
import DuckDB
import Foundation
import Hummingbird

/// The v2 "Claude-fetch" primitives (REFERENCE §1.8): `GET /api/v2/catalog`, `GET /api/v2/schema/{id}`
/// and `GET /api/v2/sample/{id}?n=5`.
///
/// Access is checked on the registry id before anything else (also before any cache): a caller
/// without a grant gets 403 for a table that exists and for one that does not, so the answers are no
/// oracle for table names. Schema and sample read exactly the file the current generation serves for
/// the id (the original guessed `extracts/<source_type>/data/<id>.parquet`, §1.8 flaw), and are cached
/// per generation (``GenerationCache``). There is no BigQuery connector here: a remote table has no
/// local file to describe or sample (404 saying so), while a BigQuery table that is synced or
/// materialized is local and answers like any other.
struct CatalogV2Routes {
    let services: AgnesServices
    let schemas = GenerationCache<String, [SchemaColumn]>()
    let samples = GenerationCache<String, SampleRows>()

    static let maxSampleRows = 100

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/v2/catalog") { request, context in
            try await catalog(request, context)
        }
        router.get("/api/v2/schema/:table_id") { request, context in
            try await schema(request, context)
        }
        router.get("/api/v2/sample/:table_id") { request, context in
            try await sample(request, context)
        }
    }

    func catalog(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let readable = try await services.access.readableTables(caller)
        // A table the admin left undescribed shows what the catalog export brought for it.
        let documented = try await DuckDBTableMetadataRepository(store: services.store).descriptions()
        let tables = try await DuckDBTableRegistryRepository(store: services.store).list(sourceType: nil)
            .filter { readable?.contains($0.id) ?? true }
            .map { registration in
                var registration = registration
                if registration.description?.isEmpty ?? true, let text = documented[registration.id] {
                    registration.description = text
                }
                return CatalogEntry(registration)
            }
        // Read from the registry on every request (there is no catalog cache to go stale) and per
        // caller: no cache along the way may keep it (`agnes catalog --refresh` also asks for that).
        return JSONBody.response(
            object: CatalogResponse(tables: tables, serverTime: Date().wireText), headers: [.cacheControl: "no-store"])
    }

    func schema(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let (registration, table, generation) = try await servedTable(caller, context, allowingRemote: true)
        var columns: [SchemaColumn]
        if table.file == nil {
            // A remote table: the columns its last sync recorded, as its view types them.
            columns = table.remoteColumns.map {
                SchemaColumn(name: $0.name, type: $0.type, nullable: true, description: "")
            }
        } else if let cached = schemas.value(generation: generation.number, key: table.id) {
            columns = cached
        } else {
            let select = table.select()!
            columns = try await generation.pool.withConnection { connection in
                try connection.query("DESCRIBE \(select)").rows
                    .compactMap { row -> SchemaColumn? in
                        guard let name = row[0].string, let type = row[1].string else { return nil }
                        return SchemaColumn(name: name, type: type, nullable: row[2].string != "NO", description: "")
                    }
            }
            schemas.store(columns, generation: generation.number, key: table.id)
        }
        let descriptions = Dictionary(
            try await DuckDBColumnMetadataRepository(store: services.store).list(tableID: table.id)
                .compactMap { column in column.description.map { (column.columnName, $0) } },
            uniquingKeysWith: { first, _ in first })
        for index in columns.indices {
            if let description = descriptions[columns[index].name] { columns[index].description = description }
        }
        let entry = CatalogEntry(registration)
        return JSONBody.response(
            object: SchemaResponse(
                tableID: table.id, sourceType: entry.sourceType, sqlFlavor: entry.sqlFlavor, columns: columns))
    }

    func sample(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let count = try Self.sampleSize(request.uri.queryParameters.get("n"))
        let (registration, table, generation) = try await servedTable(caller, context, allowingRemote: true)
        let key = "\(table.id)\u{0}\(count)"
        let rows: SampleRows
        if table.file == nil {
            // A remote table: asked of its source through the sandbox (a LIMIT it pushes down), never cached.
            do {
                let result = try await services.queryEngine.run(
                    "SELECT * FROM \(SQLText.identifier(table.id)) LIMIT \(count)", limit: count, readable: [table.id])
                rows = SampleRows(columns: result.columns.map(\.name), rows: result.rows)
            } catch {
                throw QueryRoutes.apiError(error)
            }
        } else if let cached = samples.value(generation: generation.number, key: key) {
            rows = cached
        } else {
            let select = table.select()!
            rows = try await generation.pool.withConnection { connection in
                let result = try connection.query("SELECT * FROM (\(select)) LIMIT \(count)")
                return SampleRows(columns: result.columns.map(\.name), rows: result.rows)
            }
            samples.store(rows, generation: generation.number, key: key)
        }
        return JSONBody.orderedResponse(
            object: SampleResponse(tableID: table.id, rows: rows, source: registration.sourceType ?? ""))
    }

    /// `n`: 5 when absent; 422 unless it is an integer from 1 to 100.
    static func sampleSize(_ text: String?) throws -> Int {
        guard let text else { return 5 }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (1...maxSampleRows).contains(value) else {
            throw APIError(.unprocessableContent, "n must be an integer from 1 to \(maxSampleRows)")
        }
        return value
    }

    /// The registration and served local table for the path's id, after the access check: 403 `not
    /// authorized for this table`, 404 `table '<id>' not found`, 404 when it has no local data.
    func servedTable(_ caller: AuthenticatedUser, _ context: AgnesRequestContext, allowingRemote: Bool = false)
        async throws -> (TableRegistration, ServedTable, AnalyticsDatabase.Generation)
    {
        let tableID = context.parameters.get("table_id") ?? ""
        guard try await services.access.canRead(caller, table: tableID) else {
            throw APIError(.forbidden, "not authorized for this table")
        }
        guard let registration = try await DuckDBTableRegistryRepository(store: services.store).find(id: tableID) else {
            throw APIError.notFound("table '\(tableID)' not found")
        }
        guard let generation = services.analytics.generation,
            let table = try await generation.servedTables()[tableID],
            table.file != nil || (allowingRemote && !table.remoteColumns.isEmpty)
        else {
            throw APIError.notFound(
                "table '\(tableID)' has no local data (query mode \(registration.queryMode.rawValue))")
        }
        return (registration, table, generation)
    }
}
