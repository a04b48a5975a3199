import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Hummingbird

/// `POST /api/query` (REFERENCE §1.6): the caller's SQL runs in a sandbox that holds only the tables
/// they may read (``QuerySandbox``), so there is no keyword list to slip past and no table to guess.
///
/// Wire shape as the original: body `{sql, limit = 1000}`, answer `{columns, rows, row_count,
/// truncated}`, plus `column_types` (DuckDB's type names, which clients may ignore). Values that are
/// not JSON numbers, booleans or strings (decimals, dates, timestamps, lists, structs…) are sent as
/// DuckDB prints them, as the original stringified them.
///
/// Errors: anything but exactly one SELECT statement → 400 `Only single SELECT queries are allowed`;
/// a DuckDB error → 400 `Query error: <message>` — including for a table the caller may not read,
/// which is indistinguishable from one that does not exist (the original answered 403 and so
/// confirmed the name); past the time limit → 408 with a hint; `limit` outside 1…`api.query.max_limit`
/// → 400; the caller already running `api.scan.max_concurrent_per_user` scans and queries, or past
/// their daily scan bytes → 429 (``ScanQuota``).
struct QueryRoutes {
    let services: AgnesServices

    func register(on router: Router<AgnesRequestContext>) {
        router.post("/api/query") { request, context in
            try await query(request, context)
        }
    }

    func query(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.caller(request, context)
        let bytes = try await request.collectBody(upTo: context.maxUploadSize)
        let body =
            try
            (QueryRequestBody(bytes: bytes.readableBytesView)
            ?? Request.decodeJSON(QueryRequestBody.self, from: bytes))
        let maxLimit = services.settings.query.maxLimit
        let limit = body.limit ?? 1000
        guard (1...maxLimit).contains(limit) else {
            throw APIError.badRequest("limit must be between 1 and \(maxLimit)")
        }
        guard body.sql.contains(where: { !$0.isWhitespace }) else {
            throw APIError.badRequest("Query must start with SELECT or WITH")
        }
        let readable = try await services.access.readableTables(caller)
        // A query that reads a BigQuery table holds a slot of the caller's scan quota while it runs
        // and is charged with the bytes BigQuery processed (REFERENCE §1.6 step 5); local SQL is bounded
        // server-wide by the engine's connections (`api.query.concurrency`), extra requests waiting
        // their turn rather than failing.
        var slot: ScanQuota.Slot?
        if try await touchesBigQuery(body.sql, readable: readable) {
            do {
                slot = try services.scanQuota.begin(userID: caller.user.id)
            } catch {
                throw Self.quotaError(error)
            }
        }
        defer { if let slot { services.scanQuota.end(slot) } }
        let result: SandboxResult
        do {
            result = try await services.queryEngine.run(body.sql, limit: limit, readable: readable)
        } catch {
            throw Self.apiError(error)
        }
        if result.remoteBytes > 0 {
            services.scanQuota.charge(userID: caller.user.id, bytes: Int(clamping: result.remoteBytes))
        }
        let answer = QueryResponseBody.encode(
            columns: result.columns, rows: result.rows, isTruncated: result.isTruncated)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: answer))
    }

    /// Whether `sql` names a remote BigQuery table the caller may read.
    func touchesBigQuery(_ sql: String, readable: Set<String>?) async throws -> Bool {
        guard let generation = services.analytics.generation else { return false }
        let lowered = sql.lowercased()
        return try await generation.servedTables().values.contains { table in
            table.source == services.bigquery.sourceType && table.queryMode == "remote"
                && (readable?.contains(table.id) ?? true) && lowered.contains(table.id.lowercased())
        }
    }

    /// The original's 429 of `/api/query` (REFERENCE §1.6): `{"detail": {reason:
    /// "daily_byte_cap_exceeded"|"concurrent_slot_exceeded", kind, current, limit, retry_after_seconds}}`.
    static func quotaError(_ exceeded: ScanQuota.Exceeded) -> APIError {
        struct Detail: Encodable {
            let reason: String
            let kind: String
            let current: Int
            let limit: Int
            let retryAfterSeconds: Int

            enum CodingKeys: String, CodingKey {
                case reason, kind, current, limit
                case retryAfterSeconds = "retry_after_seconds"
            }
        }
        let reason = exceeded.kind == "daily_bytes" ? "daily_byte_cap_exceeded" : "concurrent_slot_exceeded"
        return APIError(
            .tooManyRequests,
            detail: Detail(
                reason: reason, kind: exceeded.kind, current: exceeded.current, limit: exceeded.limit,
                retryAfterSeconds: exceeded.retryAfterSeconds),
            message: "\(reason): \(exceeded.current)/\(exceeded.limit)",
            headers: [.retryAfter: String(exceeded.retryAfterSeconds)])
    }

    static func apiError(_ error: SandboxError) -> APIError {
        switch error {
        case .notSingleSelect: return .badRequest("Only single SELECT queries are allowed")
        case .query(let message): return .badRequest("Query error: \(message)")
        case .timedOut(let limit):
            return APIError(
                .requestTimeout,
                "Query timed out after \(limit.components.seconds) s and was stopped; narrow it (a WHERE clause, fewer columns, an aggregate) or query your local copy with `agnes query`"
            )
        case .notReady:
            return APIError(
                .serviceUnavailable, "The analytics database is not ready yet; try again after the first sync")
        case .refused(let refusal):
            return APIError(.init(code: refusal.status), detail: refusal, message: refusal.message)
        }
    }
}
