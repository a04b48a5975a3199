import AgnesAuth
import AgnesConnectors
import AgnesCore
import Foundation
import Hummingbird

/// The Jira source's admin surface (admin only):
///
/// - `POST /api/admin/jira/backfill` `{"jql": "…"}` (optional; default `project = "<JIRA_PROJECT>"`):
///   starts importing the issues the JQL finds through the webhook's path, or resumes the same JQL
///   where it stopped. 202 with the status; 400 without a JQL and without `JIRA_PROJECT`; 409 while one
///   runs; 503 when Jira is not configured.
/// - `GET /api/admin/jira/backfill`: the current or last backfill (404 when none ran).
/// - `GET /api/admin/jira/status`: configuration, the queue and what the processor did.
struct JiraAdminRoutes {
    let services: AgnesServices

    struct BackfillRequest: Decodable {
        let jql: String?
    }

    struct Status: Encodable {
        let configured: Bool
        let webhookSecretSet: Bool
        let slaConfigured: Bool
        let rawDirectory: String
        let queued: Int
        let rounds: Int
        let transforms: Int
        let fetches: Int
        let issuesPublished: Int
        let attachmentsDownloaded: Int
        let lastError: String?
        let backfill: JiraBackfill.Status?

        enum CodingKeys: String, CodingKey {
            case configured, queued, rounds, transforms, fetches, backfill
            case webhookSecretSet = "webhook_secret_set"
            case slaConfigured = "sla_configured"
            case rawDirectory = "raw_directory"
            case issuesPublished = "issues_published"
            case attachmentsDownloaded = "attachments_downloaded"
            case lastError = "last_error"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        let jira = services.jira
        router.post("/api/admin/jira/backfill") { request, context in
            let caller = try await services.admin(request, context)
            guard let backfill = jira.backfill else { throw APIError(.serviceUnavailable, JiraService.notConfigured) }
            let body = try await request.collectBody(upTo: 64 << 10)
            let jql = body.readableBytes == 0 ? nil : try Request.decodeJSON(BackfillRequest.self, from: body).jql
            let status: JiraBackfill.Status
            do throws(JiraBackfill.StartError) { status = try backfill.start(jql: jql) } catch {
                switch error {
                case .alreadyRunning: throw APIError(.conflict, error.description)
                case .noQuery: throw APIError.badRequest(error.description)
                }
            }
            await services.audit(
                "jira.backfill", userID: caller.user.id, resource: "source:jira", params: ["jql": status.jql],
                result: "started")
            return JSONBody.response(status: .accepted, object: status, headers: [:])
        }
        router.get("/api/admin/jira/backfill") { request, context in
            _ = try await services.admin(request, context)
            guard let backfill = jira.backfill else { throw APIError(.serviceUnavailable, JiraService.notConfigured) }
            guard let status = backfill.status else { throw APIError.notFound("No backfill has run") }
            return JSONBody.response(object: status)
        }
        router.get("/api/admin/jira/status") { request, context in
            _ = try await services.admin(request, context)
            let statistics = jira.processor?.statistics ?? JiraProcessor.Statistics()
            return JSONBody.response(
                object: Status(
                    configured: jira.processor != nil, webhookSecretSet: jira.settings.webhookSecret != nil,
                    slaConfigured: jira.settings.service?.slaAccount != nil,
                    rawDirectory: jira.settings.rawDirectory.path, queued: jira.processor?.pendingCount ?? 0,
                    rounds: statistics.rounds, transforms: statistics.transforms, fetches: statistics.fetches,
                    issuesPublished: statistics.issuesPublished,
                    attachmentsDownloaded: statistics.attachmentsDownloaded, lastError: statistics.lastError,
                    backfill: jira.backfill?.status))
        }
    }
}

extension JiraAdminRoutes: DescribedRoutes {
    var apiTag: String { "Jira" }

    var operations: [APIOperation] {
        let status: JSONSchema = .object([
            "jql": .string, "next_page_token": .string, "pages": .integer, "queued": .integer,
            "started_at": .string, "finished_at": .string, "error": .string, "running": .boolean,
        ])
        return [
            .post(
                "/api/admin/jira/backfill",
                "Import existing Jira issues (a JQL search) through the webhook's path; resumes the same JQL where it stopped",
                .admin,
                responses: [
                    APIResponse(
                        status: 202, description: "Started or resumed", content: ("application/json", status)),
                    .error(400, "No JQL given and JIRA_PROJECT is not set"),
                    .error(409, "A backfill is already running"),
                    .error(503, "Jira is not configured"),
                ]),
            .get(
                "/api/admin/jira/backfill", "The current or last Jira backfill", .admin,
                responses: [.ok(status), .error(404, "No backfill has run"), .error(503, "Jira is not configured")]),
            .get(
                "/api/admin/jira/status", "The Jira source: configuration, queue and processing counts", .admin,
                responses: [.ok(.object(["configured": .boolean, "queued": .integer, "transforms": .integer]))]),
        ]
    }
}
