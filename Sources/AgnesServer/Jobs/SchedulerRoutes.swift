import AgnesAuth
import AgnesCore
import AgnesJobs
import Foundation
import Hummingbird

/// The scheduler's jobs (admin; the scheduler token qualifies): `GET /api/admin/scheduler/jobs` lists
/// every job (schedule, state, next and last run, running, due) and who drives them;
/// `POST /api/admin/scheduler/jobs/{name}/run` starts one now (202), whatever its schedule.
struct SchedulerRoutes {
    let services: AgnesServices

    struct Job: Encodable {
        let status: SchedulerJobStatus

        enum CodingKeys: String, CodingKey {
            case name, schedule, state, detail, running, due
            case nextRunAt = "next_run_at"
            case lastRunAt = "last_run_at"
            case lastStatus = "last_status"
            case lastDetail = "last_detail"
            case lastDurationMS = "last_duration_ms"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(status.name, forKey: .name)
            try container.encode(status.schedule, forKey: .schedule)
            try container.encode(status.state, forKey: .state)
            try container.encode(status.detail, forKey: .detail)
            try container.encode(status.isRunning, forKey: .running)
            try container.encode(status.isDue, forKey: .due)
            try container.encode(status.nextRunAt, forKey: .nextRunAt)
            try container.encode(status.lastRunAt, forKey: .lastRunAt)
            try container.encode(status.lastStatus, forKey: .lastStatus)
            try container.encode(status.lastDetail, forKey: .lastDetail)
            try container.encode(status.lastDurationMS, forKey: .lastDurationMS)
        }
    }

    struct List: Encodable {
        let jobs: [Job]
        let driver: String
        let serverTime: Date

        enum CodingKeys: String, CodingKey {
            case jobs, driver
            case serverTime = "server_time"
        }
    }

    struct Started: Encodable {
        let name: String
        let status = "started"
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/admin/scheduler/jobs") { request, context in
            _ = try await services.admin(request, context)
            let statuses = try await services.scheduler.statuses()
            return JSONBody.response(
                object: List(jobs: statuses.map(Job.init), driver: services.scheduler.driver, serverTime: Date()))
        }
        router.post("/api/admin/scheduler/jobs/{name}/run") { request, context in
            let caller = try await services.admin(request, context)
            let name = context.parameters.get("name") ?? ""
            do throws(Scheduler.RunError) {
                try await services.scheduler.runNow(name)
            } catch {
                switch error {
                case .unknownJob:
                    throw APIError.notFound("Unknown job: \(name)")
                case .unavailable(_, let reason):
                    throw APIError(.conflict, "Job \(name) cannot run on this server: \(reason)")
                case .alreadyRunning:
                    throw APIError(.conflict, "Job \(name) is already running")
                }
            }
            await services.audit("scheduler_job_run", userID: caller.user.id, resource: "job:\(name)", params: [:])
            return JSONBody.response(status: .accepted, object: Started(name: name))
        }
    }
}
