import AgnesAuth
import AgnesCore
import AgnesJobs
import Foundation
import Hummingbird

/// `/admin/scheduler`: the scheduler's jobs as `GET /api/admin/scheduler/jobs` lists them (schedule,
/// state, next run, last outcome) and who drives them, each with a "Run now" form for
/// `POST /api/admin/scheduler/jobs/{name}/run`.
struct SchedulerPage {
    let services: AgnesServices

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/admin/scheduler") { request, context in
            try await services.adminPage(request, context) { caller in
                try await response(for: caller)
            }
        }
    }

    func response(for caller: AuthenticatedUser, now: Date = Date()) async throws -> Response {
        let jobs = try await services.scheduler.statuses().map { Self.row($0, now: now) }
        let driver = services.scheduler.driver
        let note =
            switch driver {
            case "this process": "This server runs the jobs when they are due."
            case "another process": "Another server process holds the scheduler's lock and runs the jobs."
            default: "Jobs run when an outside scheduler (agnes scheduler) calls this server; Run now works here too."
            }
        let values: [String: Any] = [
            "jobs": jobs, "driver": driver, "driver_note": note, "server_time": Self.time(now),
        ]
        return WebPage(template: "admin_scheduler", title: "Scheduler", path: "/admin", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }

    static func row(_ job: SchedulerJobStatus, now: Date) -> [String: Any] {
        var row: [String: Any] = [
            "job_name": job.name, "job_schedule": job.schedule, "job_state": job.state,
            "job_state_class": job.state == "ready" ? "ok" : "stale",
            "job_run_api": "/api/admin/scheduler/jobs/" + WebPage.pathSegment(job.name) + "/run",
            "job_can_run": job.state == "ready" || job.state == "disabled", "job_running": job.isRunning,
            "job_due": job.isDue,
            "job_next": job.nextRunAt.map { "\(time($0)) (\(from(now, to: $0)))" } ?? "–",
            "job_last": job.lastRunAt.map { DashboardPage.ago($0, now: now) } ?? "never",
            "job_last_status": job.lastStatus ?? "", "job_last_detail": job.lastDetail ?? "",
            "job_last_class": job.lastStatus == "failed" || job.lastStatus == "interrupted" ? "failed" : "ok",
            "job_last_duration": job.lastDurationMS.map(duration) ?? "",
        ]
        if let detail = job.detail { row["job_detail"] = detail }
        return row.withoutEmptyText
    }

    /// `2026-12-06 21:30 UTC`.
    static func time(_ date: Date) -> String {
        String(date.wireText.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// `in 5 min`, `in 2 h`, `now` (a time past is `now`: the job is due).
    static func from(_ now: Date, to date: Date) -> String {
        let seconds = Int(date.timeIntervalSince(now))
        switch seconds {
        case ..<60: return "now"
        case ..<3_600: return "in \(seconds / 60) min"
        case ..<172_800: return "in \(seconds / 3_600) h"
        default: return "in \(seconds / 86_400) days"
        }
    }

    /// `850 ms`, `12.3 s`, `4 min 5 s`.
    static func duration(_ milliseconds: Int) -> String {
        switch milliseconds {
        case ..<1_000: return "\(milliseconds) ms"
        case ..<60_000: return String(format: "%.1f s", Double(milliseconds) / 1000)
        default: return "\(milliseconds / 60_000) min \(milliseconds % 60_000 / 1000) s"
        }
    }
}
