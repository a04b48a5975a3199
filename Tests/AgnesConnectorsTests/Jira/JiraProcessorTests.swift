import AgnesCore
import AgnesData
import AgnesFakes
import DuckDB
import Foundation
import Logging
import Synchronization
import Testing

@testable import AgnesConnectors

/// The processor and the jobs against a fake Jira Cloud, with failures: retries, fallbacks, paging.
@Suite(.serialized) struct JiraProcessorTests {
    static let created = Date(timeIntervalSince1970: 1_772_619_330)

    /// Delays the retry policy asked for (nothing sleeps).
    final class Delays: Sendable {
        let values = Mutex<[Duration]>([])
        var all: [Duration] { values.withLock { $0 } }
    }

    struct Setup {
        let jira: FakeJira
        let processor: JiraProcessor
        let directory: URL
        let delays: Delays
        var raw: URL { processor.rawDirectory }
        var source: URL { directory.appendingPathComponent("extracts/jira") }

        func rows(_ sql: String) throws -> [[DuckDBValue]] {
            let connection = try Database(path: ":memory:").connect()
            let file = source.appendingPathComponent("data/issues.parquet").path
            return try connection.query(sql.replacingOccurrences(of: "$issues", with: "read_parquet('\(file)')")).rows
        }
    }

    static func setup(token: String = "jira-token", maxAttachmentBytes: Int64 = 50 << 20) async throws -> Setup {
        let jira = await FakeJira.start()
        let directory = try temporaryDirectory("jira-processor")
        let delays = Delays()
        let configuration = JiraConfiguration(
            account: JiraAccount(baseURL: jira.baseURL, email: "bot@example.com", apiToken: token),
            slaAccount: JiraAccount(baseURL: jira.slaBaseURL, email: "sla@example.com", apiToken: "sla-token"),
            siteURL: "https://acme.atlassian.net", project: "SUP",
            retry: RetryPolicy(maxAttempts: 3, sleep: { delay in delays.values.withLock { $0.append(delay) } }),
            maxAttachmentBytes: maxAttachmentBytes)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let processor = JiraProcessor(
            configuration: configuration, rawDirectory: directory.appendingPathComponent("extracts/jira/raw"),
            sourceDirectory: directory.appendingPathComponent("extracts/jira"), logger: logger, afterPublish: { _ in })
        processor.start()
        return Setup(jira: jira, processor: processor, directory: directory, delays: delays)
    }

    static func issue(_ key: String, summary: String = "VPN is down", sla: String? = nil) -> FakeJiraIssue {
        FakeJiraIssue(
            key: key, summary: summary, created: created,
            attachments: [
                FakeJiraAttachment(id: "42", filename: "big.log", content: Data("0123456789".utf8), created: created)
            ],
            sla: [
                FakeJiraSLA.timeToResolution: sla
                    ?? FakeJiraSLA.ongoing(name: "Time to resolution", start: created, goal: 14_400, elapsed: 600)
            ])
    }

    /// A webhook event stored as the webhook stores it; returns its path relative to the raw directory.
    static func storeEvent(_ setup: Setup, key: String) throws -> String {
        let relative = "webhook_events/\(JiraEventStamp.now())_jira_issue_updated.json"
        try JiraEventStamp.store(
            setup.jira.webhookBody(event: "jira:issue_updated", key: key),
            at: setup.raw.appendingPathComponent(relative))
        return relative
    }

    @Test func jiraFailingServesTheEventsOwnIssueAndIsAskedAgainLater() async throws {
        let setup = try await Self.setup()
        defer { Task { await setup.jira.stop() } }
        setup.jira.put(Self.issue("SUP-1", summary: "From Jira"))
        let event = try Self.storeEvent(setup, key: "SUP-1")
        setup.jira.inject(.status(503), pathContains: "/rest/api/3/issue/SUP-1", times: 3)
        try await setup.processor.enqueue([.fetch("SUP-1", eventFile: event)])
        await setup.processor.idle()
        // Three attempts (the policy's), then the event's embedded issue serves; the entry waits for a retry.
        #expect(setup.jira.requests.filter { $0.path == "/rest/api/3/issue/SUP-1" }.count == 3)
        #expect(try setup.rows("SELECT summary FROM $issues") == [[.varchar("From Jira")]])
        #expect(setup.processor.pendingCount == 1)
        #expect(setup.processor.statistics.lastError?.contains("503") == true)
        let fallback = JiraRawFiles.readIssue(setup.raw, key: "SUP-1")
        #expect(fallback?["_source"] as? String == "webhook")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: setup.raw.appendingPathComponent("queue").path).count
                == 1)
        // Jira is back: the retry replaces it with the full issue and empties the queue.
        setup.processor.retryWaiting()
        await setup.processor.idle()
        #expect(setup.processor.pendingCount == 0)
        #expect(JiraRawFiles.readIssue(setup.raw, key: "SUP-1")?["_source"] == nil)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: setup.raw.appendingPathComponent("queue").path).isEmpty)
    }

    @Test func anEventWithoutAnEmbeddedIssueWaitsForJira() async throws {
        let setup = try await Self.setup()
        defer { Task { await setup.jira.stop() } }
        setup.jira.put(Self.issue("SUP-2"))
        setup.jira.inject(.status(500), pathContains: "/rest/api/3/issue/SUP-2", times: 3)
        try await setup.processor.enqueue([.fetch("SUP-2")])
        await setup.processor.idle()
        #expect(
            !FileManager.default.fileExists(atPath: setup.source.appendingPathComponent("data/issues.parquet").path))
        #expect(setup.processor.pendingCount == 1)
        setup.processor.retryWaiting()
        await setup.processor.idle()
        #expect(try setup.rows("SELECT issue_key FROM $issues") == [[.varchar("SUP-2")]])
    }

    @Test func rateLimitsAreWaitedOutAsJiraAsksAndCutConnectionsRetried() async throws {
        let setup = try await Self.setup()
        defer { Task { await setup.jira.stop() } }
        setup.jira.put(Self.issue("SUP-3"))
        setup.jira.inject(.status(429, retryAfter: 7), pathContains: "/rest/api/3/issue/SUP-3", times: 1)
        setup.jira.inject(.dropConnection, pathContains: "/remotelink", times: 1)
        try await setup.processor.enqueue([.fetch("SUP-3")])
        await setup.processor.idle()
        #expect(setup.delays.all.first == .seconds(7))
        #expect(setup.delays.all.count == 2)
        #expect(setup.processor.pendingCount == 0)
        #expect(try setup.rows("SELECT count(*) FROM $issues") == [[.bigint(1)]])
    }

    @Test func refusedCredentialsAreNotRetriedAndSayWhatToCheck() async throws {
        let setup = try await Self.setup(token: "wrong")
        defer { Task { await setup.jira.stop() } }
        setup.jira.put(Self.issue("SUP-4"))
        try await setup.processor.enqueue([.fetch("SUP-4")])
        await setup.processor.idle()
        #expect(setup.delays.all.isEmpty)
        #expect(setup.processor.statistics.lastError?.contains("JIRA_API_TOKEN") == true)
        #expect(setup.processor.pendingCount == 1)
        let client = JiraClient(configuration: setup.processor.configuration, logger: Logger(label: "t"))
        await #expect(throws: JiraError.self) {
            try await client.search(jql: "project = SUP", fields: [], pageToken: nil)
        }
    }

    @Test func aLongChangelogIsReadWholeAndLargeAttachmentsAreListedNotKept() async throws {
        let setup = try await Self.setup(maxAttachmentBytes: 5)
        defer { Task { await setup.jira.stop() } }
        var issue = Self.issue("SUP-5")
        issue.changelog = (0..<250).map { number in
            FakeJiraChange(
                id: "\(1000 + number)", created: Self.created.addingTimeInterval(Double(number) * 60),
                items: [
                    FakeJiraChangeItem(
                        field: "labels", fieldtype: "jira", fromString: "\(number)", toString: "\(number + 1)")
                ])
        }
        setup.jira.put(issue)
        try await setup.processor.enqueue([.fetch("SUP-5")])
        await setup.processor.idle()
        let connection = try Database(path: ":memory:").connect()
        let changelog = setup.source.appendingPathComponent("data/changelog.parquet").path
        let counted = try connection.query(
            "SELECT count(*), count(DISTINCT change_id) FROM read_parquet('\(changelog)')"
        ).rows
        #expect(counted == [[.bigint(250), .bigint(250)]])
        #expect(setup.jira.requests.filter { $0.path.hasSuffix("/changelog") }.count == 3)
        let attachments = setup.source.appendingPathComponent("data/attachments.parquet").path
        #expect(try connection.query("SELECT size_bytes FROM read_parquet('\(attachments)')").rows == [[.bigint(10)]])
        #expect(
            !FileManager.default.fileExists(
                atPath: setup.raw.appendingPathComponent("attachments/0/005/42_big.log").path))
        #expect(setup.processor.statistics.attachmentsDownloaded == 0)
    }

    @Test func theSLAPollRefreshesOpenIssuesAndCountsTheHealed() async throws {
        let setup = try await Self.setup()
        defer { Task { await setup.jira.stop() } }
        setup.jira.put(Self.issue("SUP-6"))
        setup.jira.put(Self.issue("SUP-7"))
        setup.jira.put(Self.issue("SUP-8", sla: FakeJiraSLA.error("SLA not available")))
        try await setup.processor.enqueue([.fetch("SUP-6"), .fetch("SUP-7"), .fetch("SUP-8")])
        await setup.processor.idle()
        // The clocks ran on; SUP-7 was resolved without an event reaching us.
        setup.jira.put(
            Self.issue(
                "SUP-6",
                sla: FakeJiraSLA.ongoing(name: "Time to resolution", start: Self.created, goal: 14_400, elapsed: 1_200))
        )
        var done = Self.issue("SUP-7")
        done.status = "Done"
        done.statusCategory = .done
        setup.jira.put(done)
        setup.jira.inject(.status(429, retryAfter: 1), pathContains: "/ex/jira/", times: 1)
        let poll = JiraSLAPoll(processor: setup.processor, sourceDirectory: setup.source)
        let report = try await poll.run()
        #expect(report.polled == 2 && report.updated == 2 && report.healed == 1, "\(report)")
        #expect(setup.delays.all.contains(.seconds(1)))
        #expect(
            try setup.rows(
                "SELECT issue_key, time_to_resolution_elapsed_millis, status_category FROM $issues ORDER BY 1")
                == [
                    [.varchar("SUP-6"), .bigint(1_200_000), .varchar("To Do")],
                    [.varchar("SUP-7"), .bigint(600_000), .varchar("Done")],
                    [.varchar("SUP-8"), .null, .varchar("To Do")],
                ])
        // The poll read through the SLA account only.
        #expect(setup.jira.requests.filter { $0.path.hasPrefix("/ex/jira/") }.allSatisfy { $0.account == "sla" })
        // Nothing is open with SLA data any more but SUP-6.
        #expect(try JiraSLAPoll.openIssues(setup.source) == ["SUP-6"])
    }
}
