import AgnesAuth
import AgnesCore
import AgnesIntelligence
import AgnesJobs
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /api/admin/run-corporate-memory`, `/run-verification-detector` and `/run-session-collector`
/// (admin; REFERENCE §1.9): run the scheduler's job now, wait, and answer `{ok, details: stats}` (`ok`
/// false when items failed their checks; 502 with `detail` when the run stopped). Without an LLM: 500
/// with the reason, as the original; the session collector without `SESSION_HOME_DIR`: 503. 409 while
/// a run is going on. Audited as `<job>.run`.
struct CorporateMemoryRoutes {
    let services: AgnesServices

    struct Answer<Stats: Encodable>: Encodable {
        let ok: Bool
        let detail: String?
        let details: Stats
    }

    func register(on router: Router<AgnesRequestContext>) {
        route(router, services.corporateMemory, audit: "corporate_memory.run")
        route(router, services.verificationDetector, audit: "verification_detector.run")
        route(router, services.sessionCollector, audit: "session_collector.run", notConfigured: .serviceUnavailable)
    }

    func route<Stats: LLMJobStats>(
        _ router: Router<AgnesRequestContext>, _ job: LLMJob<Stats>, audit: String,
        notConfigured: HTTPResponse.Status = .internalServerError
    ) {
        let services = self.services
        router.post("/api/admin/run-\(job.name)") { request, context in
            let caller = try await services.admin(request, context)
            guard job.work != nil else {
                throw APIError(notConfigured, job.notConfiguredReason ?? "No LLM is configured")
            }
            let number = job.completedRuns + 1
            let run: Task<Void, Never>
            do throws(Scheduler.RunError) {
                run = try await services.scheduler.runNow(job.name)
            } catch {
                switch error {
                case .unknownJob: throw APIError.notFound("Unknown job: \(job.name)")
                case .unavailable(_, let reason):
                    throw APIError(.conflict, "Job \(job.name) cannot run on this server: \(reason)")
                case .alreadyRunning: throw APIError(.conflict, "Job \(job.name) is already running")
                }
            }
            await run.value
            guard let outcome = job.outcome(ofRun: number) else {
                throw APIError(.internalServerError, "The \(job.name) run's outcome was not recorded")
            }
            let ok = outcome.failure == nil && outcome.stats.errors == 0
            await services.audit(
                audit, userID: caller.user.id, resource: "job:\(job.name)",
                params: ["summary": "\(outcome.stats)"], result: ok ? "ok" : "failed")
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
            ("corporate-memory", "Run the corporate-memory collector now over the uploaded notes, and wait for it"),
            ("verification-detector", "Run the verification detector now over the uploaded sessions, and wait for it"),
        ].map { name, summary in
            .post(
                "/api/admin/run-\(name)", summary, .admin,
                responses: [
                    .ok(.object(["ok": .boolean, "details": .object(["errors": .integer])])),
                    .error(409, "It is running already, or the job is disabled"),
                    .error(500, "No LLM is configured"),
                    .error(502, "The LLM failed (the run stopped)"),
                ])
        } + [
            .post(
                "/api/admin/run-session-collector",
                "Copy session transcripts from the analysts' home directories (SESSION_HOME_DIR) now, and wait",
                .admin,
                responses: [
                    .ok(.object(["ok": .boolean, "details": .object(["errors": .integer])])),
                    .error(409, "It is running already, or the job is disabled"),
                    .error(502, "The home directories cannot be listed (the run stopped)"),
                    .error(503, "SESSION_HOME_DIR is not set"),
                ])
        ]
    }
}
