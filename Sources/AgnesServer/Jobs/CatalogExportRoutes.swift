import AgnesAuth
import AgnesCore
import AgnesJobs
import Foundation
import Hummingbird

/// `POST /api/admin/run-catalog-export` (admin; the scheduler token qualifies): runs the scheduler's
/// `catalog-export` job now, waits for it, and answers with what it did, like the original's
/// `run-<job>` endpoints. The run goes through the scheduler, so it is recorded in the job's history
/// and never overlaps a scheduled run.
///
/// - 200 `{"ok": true|false, "details": {tables, columns, metrics, skipped, skipped_tables, kept_manual,
///   removed, errors: [...]}}` when the export went through; `ok` is false when some table or metric
///   failed (each listed in `errors`; their earlier rows stay).
/// - 502 `{"detail": …, "ok": false, "details": {...}}` when it had to stop: OpenMetadata refused the
///   token, or could not be reached.
/// - 409 `Job catalog-export cannot run on this server: OpenMetadata is not configured: …` when there
///   is no URL or token (or the job is disabled), or `… is already running`.
///
/// Audited as `catalog_export.run` with the counts.
struct CatalogExportRoutes {
    let services: AgnesServices

    struct Details: Encodable {
        let report: CatalogExportReport

        enum CodingKeys: String, CodingKey {
            case tables, columns, metrics, skipped, removed, errors
            case skippedTables = "skipped_tables"
            case keptManual = "kept_manual"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(report.tables, forKey: .tables)
            try container.encode(report.columns, forKey: .columns)
            try container.encode(report.metrics, forKey: .metrics)
            try container.encode(report.skippedTables.count, forKey: .skipped)
            try container.encode(report.skippedTables, forKey: .skippedTables)
            try container.encode(report.keptManual, forKey: .keptManual)
            try container.encode(report.removed, forKey: .removed)
            try container.encode(report.errors, forKey: .errors)
        }
    }

    /// The answer; `detail` only when the run had to stop.
    struct Answer: Encodable {
        let ok: Bool
        let detail: String?
        let details: Details
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.post("/api/admin/run-catalog-export") { request, context in
            let caller = try await services.admin(request, context)
            let name = CatalogExportJob.name
            let job = services.catalogExport
            // No run is going on once runNow succeeds, so the run it starts ends as the next one.
            let number = job.completedRuns + 1
            let run: Task<Void, Never>
            do throws(Scheduler.RunError) {
                run = try await services.scheduler.runNow(name)
            } catch {
                switch error {
                case .unknownJob: throw APIError.notFound("Unknown job: \(name)")
                case .unavailable(_, let reason):
                    throw APIError(.conflict, "Job \(name) cannot run on this server: \(reason)")
                case .alreadyRunning: throw APIError(.conflict, "Job \(name) is already running")
                }
            }
            await run.value
            guard let outcome = job.outcome(ofRun: number) else {
                throw APIError(.internalServerError, "The catalog export's outcome was not recorded")
            }
            let report = outcome.report
            var params = [
                "tables": String(report.tables), "columns": String(report.columns), "metrics": String(report.metrics),
                "skipped": String(report.skippedTables.count), "kept_manual": String(report.keptManual),
                "removed": String(report.removed), "errors": String(report.errors.count),
            ]
            switch outcome {
            case .finished:
                await services.audit(
                    "catalog_export.run", userID: caller.user.id, resource: "job:\(name)", params: params,
                    result: report.errors.isEmpty ? "ok" : "partial")
                return JSONBody.response(
                    object: Answer(ok: report.errors.isEmpty, detail: nil, details: Details(report: report)))
            case .failed(_, let message):
                params["error"] = message
                await services.audit(
                    "catalog_export.run", userID: caller.user.id, resource: "job:\(name)", params: params,
                    result: "failed")
                return JSONBody.response(
                    status: .badGateway, object: Answer(ok: false, detail: message, details: Details(report: report)))
            }
        }
    }
}
