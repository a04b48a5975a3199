import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesFakes
import AgnesJobs
import AgnesServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The Jira webhook and what comes behind it, against a fake Jira Cloud on 127.0.0.1.
@Suite(.serialized) struct JiraWebhookTests {
    static let secret = "whsec-test"
    static let march = Date(timeIntervalSince1970: 1_772_619_330)  // 2026-03-04
    static let may = Date(timeIntervalSince1970: 1_778_000_000)  // 2026-05-05

    static func fixture(_ jira: FakeJira?, secret: String? = JiraWebhookTests.secret, project: String? = "SUP")
        async throws -> ServerFixture
    {
        try await ServerFixture(settings: { root in
            var environment: [String: String] = [:]
            if let secret { environment["JIRA_WEBHOOK_SECRET"] = secret }
            if let jira {
                environment["JIRA_BASE_URL"] = jira.baseURL
                environment["JIRA_DOMAIN"] = "acme.atlassian.net"
                environment["JIRA_EMAIL"] = "bot@example.com"
                environment["JIRA_API_TOKEN"] = "jira-token"
                environment["JIRA_SLA_BASE_URL"] = jira.slaBaseURL
                environment["JIRA_SLA_EMAIL"] = "sla@example.com"
                environment["JIRA_SLA_API_TOKEN"] = "sla-token"
                if let project { environment["JIRA_PROJECT"] = project }
            }
            return AgnesSettings(dataDir: root, environment: environment)
        })
    }

    static func issue(_ key: String, created: Date = march, summary: String = "VPN is down") -> FakeJiraIssue {
        FakeJiraIssue(
            key: key, summary: summary, created: created, labels: ["vpn"],
            comments: [
                FakeJiraComment(id: "\(key.hashValue & 0xFFFF)1", author: .agent, body: "Looking", created: created)
            ],
            attachments: [
                FakeJiraAttachment(
                    id: "7\(key.split(separator: "-").last!)", filename: "log.txt", content: Data("boom".utf8),
                    created: created)
            ],
            links: [FakeJiraLink(id: "1", otherKey: "SUP-999")],
            remoteLinks: [
                FakeJiraRemoteLink(id: 5, url: "https://wiki/runbook", title: "Runbook", applicationName: "Wiki")
            ],
            sla: [
                FakeJiraSLA.timeToResolution: FakeJiraSLA.ongoing(
                    name: "Time to resolution", start: created, goal: 14_400, elapsed: 600)
            ])
    }

    static func post(
        _ client: some TestClientProtocol, _ body: Data, signature: String?, delivery: String? = nil
    ) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let signature { headers[HTTPField.Name("X-Hub-Signature")!] = signature }
        if let delivery { headers[HTTPField.Name("X-Atlassian-Webhook-Identifier")!] = delivery }
        let response = try await client.executeRequest(
            uri: "/webhooks/jira", method: .post, headers: headers, body: ByteBuffer(bytes: body))
        let data = Data(response.body.readableBytesView)
        return Reply(status: response.status, json: data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }

    static func deliver(
        _ client: some TestClientProtocol, _ jira: FakeJira, event: String = "jira:issue_updated", key: String,
        delivery: String? = nil
    ) async throws -> Reply {
        let body = jira.webhookBody(event: event, key: key)
        return try await post(client, body, signature: FakeJira.signature(of: body, secret: secret), delivery: delivery)
    }

    static func query(_ client: some TestClientProtocol, _ sql: String, as token: String) async throws -> [[Any]] {
        let reply = try await client.call(.post, "/api/query", as: token, body: ["sql": sql])
        #expect(reply.status == .ok, "\(sql): \(reply.object)")
        return reply.object["rows"] as? [[Any]] ?? []
    }

    @Test func refusalsComeInTheOriginalsOrderWithTheirDetails() async throws {
        let unset = try await Self.fixture(nil, secret: nil)
        try await unset.application.test(.router) { client in
            let reply = try await Self.post(client, Data("{}".utf8), signature: nil)
            #expect(reply.status == .serviceUnavailable && reply.detail == "Webhook secret not configured")
            let health = try await client.call(.get, "/webhooks/jira/health", as: nil)
            #expect(
                health.object["configured"] as? Bool == false && health.object["jira_domain"] as? String == "(not set)")
        }
        let fixture = try await Self.fixture(nil)
        try await fixture.application.test(.router) { client in
            let body = Data(#"{"webhookEvent":"jira:issue_updated","issue":{"key":"SUP-1"}}"#.utf8)
            let good = FakeJira.signature(of: body, secret: Self.secret)
            #expect(try await Self.post(client, body, signature: nil).detail == "Invalid signature")
            #expect(
                try await Self.post(client, body, signature: "sha256=" + String(repeating: "0", count: 64)).status
                    == .unauthorized)
            #expect(
                try await Self.post(client, body, signature: good.replacingOccurrences(of: "sha256=", with: "sha1="))
                    .status == .unauthorized)
            #expect(try await Self.post(client, body, signature: "sha256=zz").status == .unauthorized)
            // The prefix is optional; the signature must be over these very bytes.
            let bare = String(good.dropFirst("sha256=".count))
            #expect(try await Self.post(client, body + Data(" ".utf8), signature: good).status == .unauthorized)
            for (payload, detail) in [
                ("", "Empty payload"), ("{}", "Empty payload"), ("{not json", "Invalid JSON payload"),
                ("[1]", "Invalid JSON payload"), (#"{"issue":{"key":"sup-1"}}"#, "Malformed or missing issue key"),
                (#"{"issue_key":"SUP-1234567890123"}"#, "Malformed or missing issue key"),
                (#"{"webhookEvent":"x"}"#, "Malformed or missing issue key"),
            ] {
                let data = Data(payload.utf8)
                let reply = try await Self.post(
                    client, data, signature: FakeJira.signature(of: data, secret: Self.secret))
                #expect(reply.status == .badRequest && reply.detail == detail, "\(payload)")
            }
            // Valid, but Jira itself is not configured: 503 in the original's shape, and the event is kept.
            let reply = try await Self.post(client, body, signature: bare)
            #expect(reply.status == .serviceUnavailable)
            #expect(
                reply.object["status"] as? String == "error"
                    && reply.object["message"] as? String == "Jira service not configured")
            let events = try FileManager.default.contentsOfDirectory(
                atPath: fixture.root.appendingPathComponent("extracts/jira/raw/webhook_events").path)
            #expect(events.count == 1 && events[0].hasSuffix("_jira_issue_updated.json"))
        }
    }

    @Test func anEventThatCannotBeStoredIsA500AndBackfillNeedsJira() async throws {
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-jira-\(UUID().uuidString)")
        try Data("a file, not a directory".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        let fixture = try await ServerFixture(settings: { root in
            AgnesSettings(
                dataDir: root,
                environment: [
                    "JIRA_WEBHOOK_SECRET": Self.secret, "JIRA_DATA_DIR": blocker.appendingPathComponent("raw").path,
                ])
        })
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let body = Data(#"{"webhookEvent":"jira:issue_created","issue":{"key":"SUP-1"}}"#.utf8)
            let reply = try await Self.post(client, body, signature: FakeJira.signature(of: body, secret: Self.secret))
            #expect(reply.status == .internalServerError)
            #expect(
                reply.object["message"] as? String == "Failed to process event"
                    && reply.object["issue"] as? String == "SUP-1")
            let backfill = try await client.call(.post, "/api/admin/jira/backfill", as: root.token, body: [:])
            #expect(backfill.status == .serviceUnavailable && backfill.detail?.contains("JIRA_API_TOKEN") == true)
            #expect(
                try await client.call(.get, "/api/admin/jira/backfill", as: root.token).status == .serviceUnavailable)
        }
    }

    @Test func anEventBecomesQueryableRowsInTheSixTables() async throws {
        let jira = await FakeJira.start()
        defer { Task { await jira.stop() } }
        jira.put(Self.issue("SUP-14991"))
        let fixture = try await Self.fixture(jira)
        let root = try await fixture.admin()
        fixture.services.jira.start()
        try await fixture.application.test(.router) { client in
            let reply = try await Self.deliver(client, jira, key: "SUP-14991")
            #expect(reply.status == .ok && reply.object["issue"] as? String == "SUP-14991")
            #expect(reply.object["event"] as? String == "jira:issue_updated")
            await fixture.services.jira.processor!.idle()
            let rows = try await Self.query(
                client,
                "SELECT issue_key, summary, issue_url, labels, comment_count, time_to_resolution_elapsed_millis, strftime(created_at, '%Y-%m') FROM issues",
                as: root.token)
            #expect(rows.count == 1)
            #expect(rows.first?[1] as? String == "VPN is down")
            #expect(rows.first?[2] as? String == "https://acme.atlassian.net/browse/SUP-14991")
            #expect(rows.first?[5] as? Int == 600_000, "the SLA account's field: \(rows)")
            for (table, count) in [("comments", 1), ("attachments", 1), ("issuelinks", 1), ("remote_links", 1)] {
                let counted = try await Self.query(client, "SELECT count(*) FROM \(table)", as: root.token)
                #expect(counted.first?.first as? Int == count, "\(table)")
            }
            let paths = try await Self.query(
                client, "SELECT local_path, hierarchical_path FROM attachments", as: root.token)
            #expect(paths.first?[1] as? String == "14/991/714991_log.txt")
            let raw = fixture.root.appendingPathComponent("extracts/jira/raw")
            #expect(
                try Data(contentsOf: raw.appendingPathComponent("attachments/14/991/714991_log.txt"))
                    == Data("boom".utf8))
            let stored =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: raw.appendingPathComponent("issues/SUP-14991.json"))) as? [String: Any]
            #expect(stored?["_synced_at"] is String && stored?["_remote_links"] is [Any])
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: raw.appendingPathComponent("queue").path).isEmpty)
            // The six tables are registered, as the jira source.
            let registry = try await client.call(.get, "/api/admin/registry", as: root.token)
            let jiraTables = (registry.object["tables"] as? [[String: Any]] ?? []).filter {
                $0["source_type"] as? String == "jira"
            }
            #expect(Set(jiraTables.compactMap { $0["id"] as? String }) == Set(JiraTable.allCases.map(\.rawValue)))
            // A retried delivery is acknowledged and not processed again.
            let again = try await Self.deliver(client, jira, key: "SUP-14991", delivery: "d-1")
            let retried = try await Self.deliver(client, jira, key: "SUP-14991", delivery: "d-1")
            #expect(again.object["duplicate"] == nil && retried.object["duplicate"] as? Bool == true)
            await fixture.services.jira.processor!.idle()
            #expect(jira.requests.filter { $0.path == "/rest/api/3/issue/SUP-14991" }.count == 2)
        }
    }

    @Test func aBurstOfEventsOnOneIssueIsOneFetchAndOneTransform() async throws {
        let jira = await FakeJira.start()
        defer { Task { await jira.stop() } }
        jira.put(Self.issue("SUP-7"))
        let fixture = try await Self.fixture(jira)
        try await fixture.application.test(.router) { client in
            // The processor is not started: the burst queues up as it would behind a running round.
            for number in 0..<100 {
                let reply = try await Self.deliver(client, jira, key: "SUP-7", delivery: "burst-\(number)")
                #expect(reply.status == .ok)
            }
            let processor = fixture.services.jira.processor!
            #expect(processor.pendingCount == 1)
            let rebuilds = RebuildCounter()
            fixture.services.orchestrator.onRebuild { _ in rebuilds.add() }
            fixture.services.jira.start()
            await processor.idle()
            #expect(rebuilds.count == 1)
            #expect(processor.statistics.transforms == 1 && processor.statistics.fetches == 1)
            #expect(jira.requests.filter { $0.path == "/rest/api/3/issue/SUP-7" }.count == 1)
        }
    }

    @Test func queuedEventsSurviveARestartAndDeletionsAreCheckedWithJira() async throws {
        let jira = await FakeJira.start()
        defer { Task { await jira.stop() } }
        jira.put(Self.issue("SUP-1"))
        jira.put(Self.issue("SUP-2", created: Self.may))
        let fixture = try await Self.fixture(jira)
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let first = try await Self.deliver(client, jira, event: "jira:issue_created", key: "SUP-1")
            let second = try await Self.deliver(client, jira, event: "jira:issue_created", key: "SUP-2")
            #expect(first.status == .ok && second.status == .ok)
        }
        // Answered 200, never processed (as after a kill -9): a new processor over the same directories,
        // as the next start makes, picks the events up from the queue.
        let jiraService = fixture.services.jira
        let restarted = JiraProcessor(
            configuration: jiraService.settings.service!, rawDirectory: jiraService.settings.rawDirectory,
            sourceDirectory: jiraService.sourceDirectory, logger: fixture.services.logger,
            afterPublish: { _ in _ = try await fixture.services.orchestrator.rebuild() })
        restarted.start()
        await restarted.idle()
        #expect(restarted.statistics.issuesPublished == 2)
        #expect(fixture.services.jira.processor!.statistics.rounds == 0)
        let shards = fixture.root.appendingPathComponent("extracts/jira/shards/issues")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: shards.path).sorted() == [
                "2026-03.parquet", "2026-05.parquet",
            ])
        fixture.services.jira.start()
        try await fixture.application.test(.router) { client in
            // A (replayed) deletion of a live issue removes nothing: Jira still has it.
            #expect(try await Self.deliver(client, jira, event: "jira:issue_deleted", key: "SUP-2").status == .ok)
            await fixture.services.jira.processor!.idle()
            #expect(
                try await Self.query(client, "SELECT count(*) FROM issues", as: root.token).first?.first as? Int == 2)
            // Deleted in Jira: its rows leave every table and its month; the raw file is marked.
            jira.remove("SUP-2")
            #expect(try await Self.deliver(client, jira, event: "jira:issue_deleted", key: "SUP-2").status == .ok)
            await fixture.services.jira.processor!.idle()
            for table in JiraTable.allCases {
                let rows = try await Self.query(
                    client, "SELECT count(*) FROM \(table.rawValue) WHERE issue_key = 'SUP-2'", as: root.token)
                #expect(rows.first?.first as? Int == 0, "\(table)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: shards.path) == ["2026-03.parquet"])
            let raw =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: fixture.root.appendingPathComponent("extracts/jira/raw/issues/SUP-2.json")))
                as? [String: Any]
            #expect(raw?["_deleted_at"] is String)
            // An event for a key Jira never had is handled the same way and leaves nothing behind.
            #expect(try await Self.deliver(client, jira, key: "SUP-2").status == .ok)
            await fixture.services.jira.processor!.idle()
            #expect(fixture.services.jira.processor!.pendingCount == 0)
        }
    }

    @Test func theConsistencyCheckBackfillsMissedIssuesUpToItsBound() async throws {
        let jira = await FakeJira.start()
        defer { Task { await jira.stop() } }
        let old = Date().addingTimeInterval(-3 * 86_400)
        for number in 1...14 { jira.put(Self.issue("SUP-\(number)", created: old), updated: old) }
        jira.put(Self.issue("SUP-99", created: Date()))  // updated just now: left to its webhook
        let fixture = try await Self.fixture(jira)
        fixture.services.jira.start()
        let processor = fixture.services.jira.processor!
        try await processor.enqueue([.fetch("SUP-1")])
        await processor.idle()
        let check = JiraConsistencyCheck(processor: processor, sourceDirectory: fixture.services.jira.sourceDirectory)
        let first = try await check.run()
        #expect(first.inJira == 14 && first.missing.count == 13 && first.level == "error")
        #expect(first.backfilled.count == 10)
        let second = try await check.run()
        #expect(second.missing.count == 3 && second.level == "info" && second.backfilled.count == 3)
        let third = try await check.run()
        #expect(third.level == "ok" && third.backfilled.isEmpty)
        // Issues that changed in Jira after they were served are stale and refetched.
        jira.put(Self.issue("SUP-3", created: old, summary: "Now fixed"), updated: Date().addingTimeInterval(-600))
        let fourth = try await check.run()
        #expect(fourth.stale == ["SUP-3"] && fourth.backfilled == ["SUP-3"])
        // The job's paging went through nextPageToken (100 per page: one page here) with the project clause.
        #expect(jira.requests.contains { $0.path == "/rest/api/3/search/jql" })
    }

    @Test func aBackfillImportsEveryPageAndResumesWhereItStopped() async throws {
        let jira = await FakeJira.start()
        defer { Task { await jira.stop() } }
        for number in 1...230 { jira.put(Self.issue("SUP-\(number)")) }
        let fixture = try await Self.fixture(jira)
        let root = try await fixture.admin()
        let ana = try await fixture.analyst()
        fixture.services.jira.start()
        try await fixture.application.test(.router) { client in
            let refused = try await client.call(.post, "/api/admin/jira/backfill", as: ana.token, body: [:])
            #expect(refused.status == .forbidden)
            // The second search page fails for good: the backfill stops there, saved.
            jira.inject(.status(400), pathContains: "/search/jql", times: 1)
            let failing = try await client.call(.post, "/api/admin/jira/backfill", as: root.token, body: [:])
            #expect(
                failing.status == .accepted
                    && failing.object["jql"] as? String == #"project = "SUP" ORDER BY created ASC"#)
            await fixture.services.jira.backfill!.wait()
            let stopped = try await client.call(.get, "/api/admin/jira/backfill", as: root.token)
            #expect(stopped.object["error"] is String && stopped.object["pages"] as? Int == 0)
            _ = try await client.call(.post, "/api/admin/jira/backfill", as: root.token, body: [:])
            await fixture.services.jira.backfill!.wait()
            let done = try await client.call(.get, "/api/admin/jira/backfill", as: root.token)
            #expect(done.object["finished_at"] is String && done.object["queued"] as? Int == 230, "\(done.object)")
            #expect(done.object["pages"] as? Int == 3)
            let rows = try await Self.query(client, "SELECT count(*) FROM issues", as: root.token)
            #expect(rows.first?.first as? Int == 230)
            let status = try await client.call(.get, "/api/admin/jira/status", as: root.token)
            #expect(status.object["configured"] as? Bool == true && status.object["queued"] as? Int == 0)
        }
    }

    @Test func unknownFieldsAreIgnoredAndTheJiraJobsRecordTheirOutcomes() async throws {
        let jira = await FakeJira.start()
        defer { Task { await jira.stop() } }
        jira.put(Self.issue("SUP-5"), updated: Date().addingTimeInterval(-3600))
        jira.put(Self.issue("SUP-6"), updated: Date().addingTimeInterval(-3600))
        let fixture = try await Self.fixture(jira)
        let root = try await fixture.admin()
        fixture.services.jira.start()
        try await fixture.application.test(.router) { client in
            // A payload from a future Jira: fields nobody knows, and no custom fields at all.
            let body = Data(
                #"{"timestamp":1,"webhookEvent":"jira:issue_updated","matrix":{"x":[1,2]},"issue":{"key":"SUP-5","fields":{"brandNew":true}}}"#
                    .utf8)
            let reply = try await Self.post(client, body, signature: FakeJira.signature(of: body, secret: Self.secret))
            #expect(reply.status == .ok)
            await fixture.services.jira.processor!.idle()
            #expect(
                try await Self.query(client, "SELECT count(*) FROM issues", as: root.token).first?.first as? Int == 1)
            // The consistency check, run as the scheduler runs it: SUP-6 was never sent, and is fetched.
            let run = try await client.call(.post, "/api/admin/scheduler/jobs/jira-consistency/run", as: root.token)
            #expect(run.status == .accepted || run.status == .ok, "\(run.object)")
            await fixture.services.scheduler.idle()
            let jobs = try await client.call(.get, "/api/admin/scheduler/jobs", as: root.token)
            let listed = (jobs.object["jobs"] as? [[String: Any]] ?? []).first {
                $0["name"] as? String == "jira-consistency"
            }
            #expect(listed?["last_status"] as? String == "ok", "\(listed ?? [:])")
            #expect(
                (listed?["last_detail"] as? String)?.hasPrefix("info: 2 issues in Jira, 1 missing") == true,
                "\(listed ?? [:])")
            let deep = (jobs.object["jobs"] as? [[String: Any]] ?? []).first {
                $0["name"] as? String == "jira-consistency-deep"
            }
            #expect(deep?["schedule"] as? String == "weekly sun 03:00")
            #expect(
                try await Self.query(client, "SELECT count(*) FROM issues", as: root.token).first?.first as? Int == 2)
        }
        // Without an SLA account the SLA poll says what is missing instead of running.
        let bare = try await ServerFixture(settings: { root in
            AgnesSettings(
                dataDir: root,
                environment: ["JIRA_BASE_URL": jira.baseURL, "JIRA_EMAIL": "bot@example.com", "JIRA_API_TOKEN": "t"])
        })
        let poll = bare.services.scheduler.jobs.first { $0.name == "jira-sla-poll" }
        #expect(poll?.state == "not configured" && poll?.unavailableReason?.contains("JIRA_SLA_EMAIL") == true)
        let unset = try await Self.fixture(nil)
        #expect(unset.services.scheduler.jobs.first { $0.name == "jira-consistency" }?.state == "not configured")
    }
}

/// Counts rebuilds.
final class RebuildCounter: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func add() { value.withLock { $0 += 1 } }
}
