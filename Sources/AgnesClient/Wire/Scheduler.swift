import Foundation
import NIOHTTP1

extension AgnesAPI {
    /// `GET /api/admin/scheduler/jobs`: the jobs, their state and when each is due.
    public func schedulerJobs() async throws -> JSONValue {
        try await get("/api/admin/scheduler/jobs", as: JSONValue.self)
    }

    /// `POST /api/admin/scheduler/jobs/{name}/run`: starts a job now.
    public func runSchedulerJob(_ name: String) async throws {
        let escaped = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
        try await perform(.POST, "/api/admin/scheduler/jobs/\(escaped)/run")
    }
}
