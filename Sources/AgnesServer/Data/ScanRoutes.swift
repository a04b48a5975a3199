import AgnesAuth
import AgnesCore
import AgnesData
import DuckDB
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `POST /api/v2/scan/estimate` and `POST /api/v2/scan` (REFERENCE §1.8) for local tables.
///
/// Body `{table_id, select?, where?, limit?, order_by?}`. The caller needs a grant on the table id
/// (checked first: 403 `not authorized for this table`, whether or not the table exists); then 404
/// `table '<id>' not found`; a malformed select/order_by/limit → 400 with a plain string; a refused
/// WHERE → 400 `{"detail": {"error": "validator_rejected", "kind", "details"}}`.
///
/// A scan's body is an **Arrow IPC stream** (`application/vnd.apache.arrow.stream`): DuckDB exports
/// each result chunk through its Arrow C data interface and we frame the stream ourselves (schema
/// message, one record batch per chunk, end-of-stream marker). It runs in a query sandbox holding
/// only the scanned table. Quotas are checked before it runs (daily bytes, then a concurrency slot:
/// 429 `{"detail": {"error": "quota_exceeded", kind, current, limit, retry_after_seconds}}` with
/// `Retry-After`), and the stream's length is charged to the caller's day. A result past
/// `api.scan.max_result_bytes` is cut at a record batch boundary; `X-Agnes-Truncated: true` says so,
/// `X-Agnes-Rows` gives the rows sent.
struct ScanRoutes {
    let services: AgnesServices

    struct Body: Decodable {
        let tableID: String
        let select: [String]?
        let predicate: String?
        let limit: Int?
        let orderBy: [String]?

        enum CodingKeys: String, CodingKey {
            case select, limit
            case tableID = "table_id"
            case predicate = "where"
            case orderBy = "order_by"
        }
    }

    /// The `detail` of a refused predicate.
    struct Rejected: Encodable, Sendable {
        let error = "validator_rejected"
        let kind: String
        let details: String
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.post("/api/v2/scan/estimate") { request, context in
            let (_, scan) = try await prepare(request, context)
            let costPerTB = services.settings.scan.bqCostPerTBUSD
            let estimate: ScanEstimate
            do throws(ScanError) {
                estimate = try await services.scans.estimate(scan, costPerTB: costPerTB)
            } catch {
                throw Self.apiError(error)
            }
            return JSONBody.response(object: estimate)
        }
        router.post("/api/v2/scan") { request, context in
            try await scan(request, context)
        }
    }

    func prepare(_ request: Request, _ context: AgnesRequestContext) async throws -> (AuthenticatedUser, PreparedScan) {
        let caller = try await services.caller(request, context)
        let body = try await request.decodeJSON(Body.self, context: context)
        guard try await services.access.canRead(caller, table: body.tableID) else {
            throw APIError(.forbidden, "not authorized for this table")
        }
        let scanRequest = ScanRequest(
            tableID: body.tableID, select: body.select, predicate: body.predicate, limit: body.limit,
            orderBy: body.orderBy)
        do {
            return (caller, try await services.scans.prepare(scanRequest, maxLimit: services.settings.scan.maxLimit))
        } catch {
            throw Self.apiError(error)
        }
    }

    func scan(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let (caller, scan) = try await prepare(request, context)
        let limits = services.settings.scan
        let slot: ScanQuota.Slot
        do {
            slot = try services.scanQuota.begin(userID: caller.user.id)
        } catch {
            throw error.apiError
        }
        defer { services.scanQuota.end(slot) }
        let output: ScanOutput
        do {
            output = try await services.scans.run(
                scan, maxBytes: limits.maxResultBytes, timeout: .seconds(limits.requestTimeoutSeconds))
        } catch {
            throw Self.apiError(error)
        }
        services.scanQuota.charge(userID: caller.user.id, bytes: output.summary.bytes)
        context.logger.info(
            "scan",
            metadata: [
                "table": "\(scan.table.id)", "user": "\(caller.user.id)", "rows": "\(output.summary.rows)",
                "bytes": "\(output.summary.bytes)", "truncated": "\(output.summary.isTruncated)",
            ])
        // Opened, then unlinked at once: the stream is read through the handle and nothing is left
        // behind even if the client goes away before the body is written.
        let handle = try FileHandle(forReadingFrom: output.file)
        try? FileManager.default.removeItem(at: output.file)
        let headers: HTTPFields = [
            .contentType: "application/vnd.apache.arrow.stream",
            .contentLength: String(output.summary.bytes),
            .cacheControl: "no-store",
            HTTPField.Name("X-Agnes-Rows")!: String(output.summary.rows),
            HTTPField.Name("X-Agnes-Truncated")!: output.summary.isTruncated ? "true" : "false",
        ]
        let body = ResponseBody(contentLength: output.summary.bytes) { writer in
            defer { try? handle.close() }
            while true {
                let data = try await offloaded("agnes.scan.read") { try handle.read(upToCount: 1 << 20) ?? Data() }
                if data.isEmpty { break }
                try await writer.write(ByteBuffer(bytes: data))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func apiError(_ error: ScanError) -> APIError {
        switch error {
        case .rejected(let rejection):
            return APIError(
                .badRequest, detail: Rejected(kind: rejection.kind.rawValue, details: rejection.details),
                message: "validator_rejected: \(rejection.kind.rawValue)")
        case .invalid(let message): return .badRequest(message)
        case .notFound(let message): return .notFound(message)
        case .failed(let message): return .badRequest("Scan failed: \(message)")
        case .timedOut(let limit):
            return APIError(
                .requestTimeout,
                "Scan timed out after \(limit.components.seconds) s and was stopped; narrow it with a WHERE predicate, fewer columns or a limit"
            )
        case .notReady:
            return APIError(
                .serviceUnavailable, "The analytics database is not ready yet; try again after the first sync")
        case .refused(let refusal):
            return APIError(.init(code: refusal.status), detail: refusal, message: refusal.message)
        }
    }
}
