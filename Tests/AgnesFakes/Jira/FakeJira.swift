// A fake Jira Cloud site on 127.0.0.1: the REST API v3 calls an issue reader makes, the Jira Service
// Management SLA fields behind the API gateway path, attachments through their media redirect, and the
// webhook bodies Jira sends, so that a client that works against it works against a real site after a
// configuration change (its URL, e-mail and API token).
//
// Documented behaviour it reproduces (sources: developer.atlassian.com/cloud/jira/platform/rest/v3 —
// "Issues › Get issue", "Issue remote links › Get remote issue links", "Issue search › Search for issues
// using JQL enhanced search (POST and GET)", "Issue attachments › Get attachment content", "Status codes"
// and "Expansion"; "Rate limiting" (developer.atlassian.com/cloud/jira/platform/rate-limiting); "Webhooks"
// (developer.atlassian.com/cloud/jira/platform/webhooks, secret-signed admin webhooks); "Atlassian
// Document Format" (developer.atlassian.com/cloud/jira/platform/apis/document/structure); the JSM REST
// API's `SlaInformation`, `SlaInformationCompletedCycle`, `SlaInformationOngoingCycle`, `DateDTO`,
// `DurationDTO`; Atlassian issue JRACLOUD-92184 (no `nextPageToken` key on the last page)):
// - Basic auth `base64(email:api_token)`: the main account on `/rest/api/3/…`, the SLA account (a scoped
//   token) on `/ex/jira/{cloudID}/rest/api/3/…`. None or a wrong one is 401
//   `{"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}`; another
//   cloud id is 404.
// - `GET …/issue/{issueIdOrKey}`: `fields` (`*all` by default, `*navigable`, names, `-name`; may repeat;
//   unknown names are ignored) and `expand` (`renderedFields`: description and comment bodies as HTML,
//   dates as shown to people; `changelog`: `{startAt, maxResults, total, histories}`, the 100 most recent
//   histories, most recent first). Fields: summary, issuetype, status with statusCategory, priority,
//   resolution, resolutiondate, created, updated, duedate, labels, project, creator, reporter, assignee,
//   description (ADF), comment `{comments, maxResults, total, startAt}`, attachment (`content` links to
//   this server), issuelinks (`inwardIssue` / `outwardIssue` with summary, status, priority), custom
//   fields. Dates as `2026-03-04T10:15:30.123+0000`. A missing or removed issue is 404
//   `Issue does not exist or you do not have permission to see it.`
// - `GET …/issue/{key}/changelog` ("Get changelogs"): every history oldest first, paged by `startAt` and
//   `maxResults` (at most 100): `{startAt, maxResults, total, isLast, values}`.
// - `GET …/issue/{key}/remotelink`: `[{id, self, globalId, application{type,name}, relationship,
//   object{url, title, summary, icon, status}}]`.
// - `GET …/attachment/content/{id}`: 303 to the media URL (here `/media/file/{id}?token=…`, no auth;
//   a wrong token is 401); `redirect=false` answers the bytes at once. Unknown id is 404.
// - `POST …/search/jql` (JSON `jql`, `nextPageToken`, `maxResults`, `fields`, `expand`) and `GET
//   …/search/jql` (the same as query parameters): `{"issues":[…],"nextPageToken":"…","isLast":false}`;
//   the last page has `isLast: true` and no `nextPageToken`. `fields` defaults to `id` (each issue is then
//   `{"id": …}`); `maxResults` defaults to 50. A JQL without a restriction is 400 "Unbounded JQL queries
//   are not allowed here…"; bad JQL 400 `Error in the JQL Query: … (line 1, character N)`, an unknown
//   field `Field 'x' does not exist or you do not have permission to view it.`, a bad date
//   `Date value '…' for field '…' is invalid. …`. The removed `…/search` answers 410.
// - SLA fields (`customfield_10328` first response, `customfield_10161` time to resolution) as JSM's
//   `SlaInformation`: `{id, name, _links, completedCycles:[{startTime, stopTime, breachTime, breached,
//   goalDuration, elapsedTime, remainingTime}], ongoingCycle:{startTime, breachTime, breached, paused,
//   withinCalendarHours, goalDuration, elapsedTime, remainingTime}}`, dates as `{iso8601, jira, friendly,
//   epochMillis}`, durations as `{millis, friendly}`; or `{"errorMessage": …}`.
// - Failures: any status with the envelope and `Retry-After`; connections dropped mid-body.
// - Webhook bodies (``FakeJira/webhookBody(event:key:commentID:attachmentID:linkID:)``): `timestamp`
//   (ms), `webhookEvent`, and per event `issue_event_type_name`, `user`, `issue {id, self, key, fields}`,
//   `changelog {id, items}`, `comment`, `attachment`, `issueLink`; `X-Hub-Signature: sha256=<hex
//   HMAC-SHA256 of the raw body>` for a webhook with a secret (``FakeJira/signature(of:secret:)``).
//
// Decided where the docs are silent: webhook bodies carry the API v2 representation Jira sends (`self`
// links under `/rest/api/2/`, description and comment bodies as wiki markup rendered from the ADF, not
// ADF); comment events carry the issue with summary, issuetype, project, assignee, priority and status
// only, attachment and issue-link events no issue; `jira:issue_updated` names its event type after the
// latest change (`issue_resolved`, `issue_assigned`, `issue_generic` for a status change, else
// `issue_updated`; `issue_commented` when a comment id is given). The SLA fields are absent for the main
// account (the real site shows whatever the token may see); each account works on its own path only;
// the 401 body is the envelope. `maxResults` counts as at least 1 and at most 100, or 5,000 when only
// `id`/`key` are asked for (the docs: "may return fewer items per page where a large number of fields are
// requested"). `*navigable` is every field but `comment`. Without ORDER BY issues come in key order; the
// page token is base64 of the offset and the JQL, and a token of another JQL is 400. Dates and JQL dates
// are UTC; relative JQL dates count from the wall clock. `put` stamps `updated` with the wall clock,
// strictly increasing. A thumbnail link is given for images only, and the fake serves no thumbnails.
// Issue, status, priority and project ids are derived from their names.

import Crypto
import Foundation
import Hummingbird
import Synchronization

/// A fake Jira Cloud site on a free port of 127.0.0.1.
///
/// ```swift
/// let jira = await FakeJira.start()
/// jira.put(FakeJiraIssue(key: "SUP-1", created: date, comments: [FakeJiraComment(id: "10001", created: date)]))
/// jira.inject(.status(429, retryAfter: 2), pathContains: "/issue/")
/// // point the client at jira.baseURL with bot@example.com / jira-token,
/// // and the SLA reader at jira.slaBaseURL with sla@example.com / sla-token
/// let body = jira.webhookBody(event: "jira:issue_updated", key: "SUP-1")
/// let header = FakeJira.signature(of: body, secret: "webhook-secret")  // X-Hub-Signature
/// await jira.stop()
/// ```
public final class FakeJira: Sendable {
    let store: JiraStore
    private let server: LoopbackServer

    private init(store: JiraStore, server: LoopbackServer) {
        self.store = store
        self.server = server
    }

    /// Starts the fake and returns once it listens.
    public static func start(
        email: String = "bot@example.com", apiToken: String = "jira-token", slaEmail: String = "sla@example.com",
        slaToken: String = "sla-token", cloudID: String = "cloud-123"
    ) async -> FakeJira {
        let store = JiraStore(
            accounts: JiraAccounts(
                email: email, apiToken: apiToken, slaEmail: slaEmail, slaToken: slaToken, cloudID: cloudID))
        let router = Router()
        router.add(middleware: JiraResponder(store: store))
        let server = await LoopbackServer.start(router, label: "fake-jira")
        store.state.withLock { $0.baseURL = server.base }
        return FakeJira(store: store, server: server)
    }

    /// Stops listening.
    public func stop() async { await server.stop() }

    /// The site's root, `http://127.0.0.1:<port>` (the client adds `/rest/api/3/…`); the real one is
    /// `https://<site>.atlassian.net`.
    public var baseURL: String { server.base }

    /// The SLA account's root, `http://127.0.0.1:<port>/ex/jira/<cloudID>` on the same server; the real
    /// one is `https://api.atlassian.com/ex/jira/<cloudID>`.
    public var slaBaseURL: String { server.base + "/ex/jira/" + store.accounts.cloudID }

    /// The site's cloud id.
    public var cloudID: String { store.accounts.cloudID }

    /// Creates or replaces the issue with this key, stamping `updated` with `updated` if given, else now.
    public func put(_ issue: FakeJiraIssue, updated: Date? = nil) {
        for (field, value) in issue.customFields.merging(issue.sla, uniquingKeysWith: { a, _ in a }) {
            precondition(
                (try? JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed])) != nil,
                "\(issue.key) \(field) is not JSON: \(value)")
        }
        store.state.withLock { state in
            var issue = issue
            issue.updated = state.stamp(updated)
            state.issues[issue.key.uppercased()] = issue
            state.removed[issue.key.uppercased()] = nil
        }
    }

    /// Deletes the issue: it answers 404 and leaves the search; `jira:issue_deleted` webhooks still render it.
    public func remove(_ key: String) {
        store.state.withLock { state in
            if let issue = state.issues.removeValue(forKey: key.uppercased()) {
                state.removed[key.uppercased()] = issue
            }
        }
    }

    /// The live issue with this key.
    public func issue(_ key: String) -> FakeJiraIssue? {
        store.state.withLock { $0.issues[key.uppercased()] }
    }

    /// Answers the next `times` requests whose path contains `pathContains` with `failure` instead.
    /// Earlier injections match first.
    public func inject(_ failure: FakeJiraFailure, pathContains: String, times: Int = 1) {
        store.state.withLock {
            $0.injections.append(.init(failure: failure, pathContains: pathContains, remaining: times))
        }
    }

    /// Every request received so far, oldest first.
    public var requests: [FakeJiraRequest] { store.state.withLock { $0.requests } }

    /// How many requests had a path containing `pathContains`.
    public func requestCount(pathContains: String) -> Int {
        store.state.withLock { $0.requests.filter { $0.path.contains(pathContains) }.count }
    }

    /// `sha256=<hex>`: the HMAC-SHA256 of `body` keyed with `secret`, as Jira sends it in `X-Hub-Signature`.
    public static func signature(of body: Data, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }
}
