import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Hummingbird
import NIOCore

/// `POST /api/query/hybrid` (admin; REFERENCE §1.6): `{sql, register_bq: {alias: bigquery_sql}, limit?}`.
/// Each BigQuery SQL runs in the billing project and its result (at most
/// `remote_query.max_bq_registration_rows` rows, staged page by page) becomes a table named by its
/// alias, next to every table the server serves; `sql` then runs over them in a query sandbox with
/// `remote_query`'s memory and time limits, returning at most `remote_query.max_result_rows` rows.
///
/// - 200 `{column_types, columns, row_count, rows, truncated, bq_stats: {alias: {rows, bytes_processed}}}`
/// - 400 `BQ '<alias>': <kind>: <message>` when a BigQuery part fails (or its alias is not a name, or
///   names a served table), `Query: <kind>: <message>` when the join does.
struct HybridQueryRoutes {
    let services: AgnesServices

    struct Body: Decodable {
        let sql: String
        let registerBQ: [String: String]?
        let limit: Int?

        enum CodingKeys: String, CodingKey {
            case sql, limit
            case registerBQ = "register_bq"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.post("/api/query/hybrid") { request, context in
            try await hybrid(request, context)
        }
    }

    func hybrid(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        _ = try await services.admin(request, context)
        let body = try await request.decodeJSON(Body.self, context: context)
        let limits = services.settings.remoteQuery
        let limit = min(body.limit ?? limits.maxResultRows, limits.maxResultRows)
        guard limit > 0 else { throw APIError.badRequest("limit must be positive") }
        guard body.sql.contains(where: { !$0.isWhitespace }) else {
            throw APIError.badRequest("Query must start with SELECT or WITH")
        }
        guard let generation = services.analytics.generation else {
            throw QueryRoutes.apiError(.notReady)
        }
        let served = try await generation.servedTables()
        let registrations = (body.registerBQ ?? [:]).sorted { $0.key < $1.key }
        for (alias, _) in registrations {
            guard Identifier.isValid(alias) else {
                throw APIError.badRequest("BQ '\(alias)': invalid_alias: the alias must be a name (letters, digits, _)")
            }
            if served[alias] != nil {
                throw APIError.badRequest("BQ '\(alias)': invalid_alias: a table of that name is already served")
            }
        }
        let work = services.layout.root.appendingPathComponent("tmp/hybrid/\(UUID().uuidString.lowercased())")
        defer { try? FileManager.default.removeItem(at: work) }
        let timeout = Duration.seconds(limits.timeoutSeconds)
        var stats: [String: (rows: Int64, bytes: Int64)] = [:]
        var registered: [ServedTable] = []
        if !registrations.isEmpty {
            let client: BigQueryClient
            do {
                client = try services.bigquery.client()
            } catch let error as BigQueryError {
                throw APIError.badRequest("BQ '\(registrations[0].key)': \(error.kind): \(error.description)")
            }
            for (alias, sql) in registrations {
                let directory = work.appendingPathComponent(alias)
                let file = directory.appendingPathComponent("\(alias).parquet")
                do {
                    let staged = try await BigQueryConnector.stage(
                        sql, client: client, in: directory, maxRows: Int64(limits.maxBQRegistrationRows),
                        timeout: timeout)
                    try await offloaded("agnes.hybrid.convert") { try staged.convert(to: file) }
                    stats[alias] = (staged.rows, staged.bytesProcessed)
                    let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64) ?? nil
                    registered.append(
                        ServedTable(
                            id: alias, source: "bigquery", queryMode: "local", file: file, md5: nil, sizeBytes: size,
                            rows: staged.rows))
                } catch let error as BigQueryError {
                    throw APIError.badRequest("BQ '\(alias)': \(error.kind): \(error.description)")
                } catch {
                    throw APIError.badRequest("BQ '\(alias)': bq_upstream_error: \(error)")
                }
            }
        }
        let engine = services.queryEngine
        let sandbox: QuerySandbox
        do {
            let tables = Array(served.values) + registered
            sandbox = try await offloaded("agnes.hybrid.sandbox") {
                try QuerySandbox(
                    tables: tables,
                    limits: SandboxLimits(
                        threads: engine.limits.threads, memoryLimit: "\(limits.maxMemoryMB)MB",
                        maxTempDirectorySize: engine.limits.maxTempDirectorySize, connections: 1, timeout: timeout),
                    files: engine.files, owner: generation, remote: engine.remote)
            }
        } catch {
            throw APIError(.internalServerError, "Query: sandbox_failed: \(error)")
        }
        let result: SandboxResult
        do {
            result = try await sandbox.run(body.sql, limit: limit)
        } catch {
            switch error {
            case .refused: throw QueryRoutes.apiError(error)
            case .notSingleSelect:
                throw APIError.badRequest("Query: not_select: Only single SELECT queries are allowed")
            case .timedOut(let limit):
                throw APIError.badRequest("Query: timeout: stopped after \(limit.components.seconds) s")
            case .query(let message): throw APIError.badRequest("Query: query_error: \(message)")
            case .notReady: throw QueryRoutes.apiError(error)
            }
        }
        var answer = QueryResponseBody.encode(
            columns: result.columns, rows: result.rows, isTruncated: result.isTruncated)
        // The same body as /api/query, with `bq_stats` before its closing brace.
        answer.moveWriterIndex(to: answer.writerIndex - 1)
        let statsJSON = stats.sorted { $0.key < $1.key }.map { alias, stat in
            // Aliases are identifiers: nothing in them needs escaping.
            "\"\(alias)\":{\"rows\":\(stat.rows),\"bytes_processed\":\(stat.bytes)}"
        }
        answer.writeString(",\"bq_stats\":{\(statsJSON.joined(separator: ","))}}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: answer))
    }
}

extension HybridQueryRoutes: DescribedRoutes {
    var apiTag: String { "Query" }

    var operations: [APIOperation] {
        [
            .post(
                "/api/query/hybrid",
                "Run BigQuery SQL (register_bq: {alias: sql}) and join its results with the served tables in one query",
                .admin,
                body: .json(
                    .object(["sql": .string, "register_bq": .object([:]), "limit": .integer], required: ["sql"])),
                responses: [
                    .ok(
                        .object([
                            "column_types": .array(.string), "columns": .array(.string), "row_count": .integer,
                            "rows": .array(.array(.string)), "truncated": .boolean, "bq_stats": .object([:]),
                        ])),
                    .error(400, "a BigQuery part (BQ '<alias>': …) or the query (Query: …) failed"),
                ])
        ]
    }
}
