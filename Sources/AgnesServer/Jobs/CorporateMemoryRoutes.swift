import AgnesAuth
import AgnesCore
import AgnesIntelligence
import AgnesJobs
import Foundation
import Hummingbird

/// `POST /api/admin/run-corporate-memory` (admin; REFERENCE §1.9): runs the scheduler's
/// `corporate-memory` job now, waits, and answers `{ok, details: stats}` (`ok` false when items failed
/// their checks or the run stopped, with `detail`). Without an LLM: 500 with the reason, as the original.
/// 409 while a run is going on. Audited as `corporate_memory.run`.
struct CorporateMemoryRoutes {
    let services: AgnesServices

    struct Answer: Encodable {
        let ok: Bool
        let detail: String?
        let details: MemoryCollector.Stats
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.post("/api/admin/run-corporate-memory") { request, context in
            let caller = try await services.admin(request, context)
            let job = services.corporateMemory
            guard job.collector != nil else {
                throw APIError(.internalServerError, job.notConfiguredReason ?? "No LLM is configured")
            }
            let number = job.completedRuns + 1
            let run: Task<Void, Never>
            do throws(Scheduler.RunError) {
                run = try await services.scheduler.runNow(CorporateMemoryJob.name)
            } catch {
                switch error {
                case .unknownJob: throw APIError.notFound("Unknown job: \(CorporateMemoryJob.name)")
                case .unavailable(_, let reason):
                    throw APIError(.conflict, "Job \(CorporateMemoryJob.name) cannot run on this server: \(reason)")
                case .alreadyRunning: throw APIError(.conflict, "Job \(CorporateMemoryJob.name) is already running")
                }
            }
            await run.value
            guard let outcome = job.outcome(ofRun: number) else {
                throw APIError(.internalServerError, "The corporate-memory run's outcome was not recorded")
            }
            let ok = outcome.failure == nil && outcome.stats.errors == 0
            await services.audit(
                "corporate_memory.run", userID: caller.user.id, resource: "job:\(CorporateMemoryJob.name)",
                params: ["items_new": String(outcome.stats.itemsNew), "errors": String(outcome.stats.errors)],
                result: ok ? "ok" : "failed")
            return JSONBody.response(
                status: outcome.failure == nil ? .ok : .badGateway,
                object: Answer(ok: ok, detail: outcome.failure, details: outcome.stats))
        }
    }
}

extension CorporateMemoryRoutes: DescribedRoutes {
    var apiTag: String { "Scheduler" }

    var operations: [APIOperation] {
        [
            .post(
                "/api/admin/run-corporate-memory",
                "Run the corporate-memory collector now over the uploaded notes, and wait for it", .admin,
                responses: [
                    .ok(.object(["ok": .boolean, "details": .object(["items_new": .integer, "errors": .integer])])),
                    .error(409, "It is running already, or the job is disabled"),
                    .error(500, "No LLM is configured"),
                    .error(502, "The LLM failed (the run stopped)"),
                ])
        ]
    }
}
