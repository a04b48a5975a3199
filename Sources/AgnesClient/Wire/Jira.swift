import Foundation
import NIOHTTP1

extension AgnesAPI {
    /// `POST /api/admin/jira/backfill`: starts (or resumes) importing the issues `jql` finds (nil: the
    /// server's `JIRA_PROJECT`).
    public func startJiraBackfill(jql: String?) async throws -> JSONValue {
        struct Body: Encodable, Sendable { let jql: String? }
        return try await send(.POST, "/api/admin/jira/backfill", json: Body(jql: jql), as: JSONValue.self)
    }

    /// `GET /api/admin/jira/backfill`: the current or last backfill.
    public func jiraBackfill() async throws -> JSONValue {
        try await get("/api/admin/jira/backfill", as: JSONValue.self)
    }
}
