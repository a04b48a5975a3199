import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesFakes
import AgnesServer
import AsyncHTTPClient
import DuckDB
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// `agnes-bench jira DIR [ISSUES] [ROUNDS]`: the Jira webhook against a fake Jira Cloud on 127.0.0.1,
/// through a listening server.
///
/// - webhook-to-queryable latency (p50, p99; target p50 < 1 s): one signed webhook at a time for a
///   changed issue, from sending it to its rows being in the analytics generation; next to the floor,
///   the three Jira calls behind it (issue, remote links, SLA) made by the same client alone;
/// - sustained events per second over ISSUES issues (one event each, 16 senders), until every issue is
///   queryable; next to the floor of making the same Jira calls (issue, remote links, SLA) alone, 8
///   issues at a time as the processor does;
/// - the transforms a burst of 100 events on one issue costs (target 1–2).
enum JiraBench {
    static let secret = "bench-secret"

    static func run(_ arguments: [String]) async throws {
        guard let path = arguments.first else { throw BenchFailure("usage: agnes-bench jira DIR [ISSUES] [ROUNDS]") }
        let issueCount = arguments.count > 1 ? Int(arguments[1]) ?? 1000 : 1000
        let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 100 : 100
        let directory = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let jira = await FakeJira.start()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        for number in 1...issueCount {
            jira.put(issue(number, created: start.addingTimeInterval(Double(number % 24) * 30 * 86_400)))
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let environment = [
            "JIRA_WEBHOOK_SECRET": secret, "JIRA_BASE_URL": jira.baseURL, "JIRA_EMAIL": "bot@example.com",
            "JIRA_API_TOKEN": "jira-token", "JIRA_SLA_BASE_URL": jira.slaBaseURL, "JIRA_SLA_EMAIL": "sla@example.com",
            "JIRA_SLA_API_TOKEN": "sla-token", "JIRA_PROJECT": "SUP",
        ]
        let services = try await AgnesServices.open(
            settings: AgnesSettings(dataDir: directory.path, environment: environment), logger: logger)
        _ = try await services.orchestrator.rebuild()
        services.jira.start()
        let processor = services.jira.processor!
        let port = PortBox()
        let application = AgnesServer.application(services: services, host: "127.0.0.1", port: 0) { port.set($0) }
        let task = Task { try await application.runService() }
        let base = "http://127.0.0.1:\(try await port.wait())"
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: 1))
        print("Jira webhook (\(issueCount) issues in 24 monthly shards, fake Jira Cloud on 127.0.0.1)")

        // Warm-up and the initial import: every issue once, sustained.
        let sustainedStart = ContinuousClock.now
        try await send(client, base, jira, keys: (1...issueCount).map { "SUP-\($0)" }, senders: 16)
        await processor.idle()
        let sustained = ContinuousClock.now - sustainedStart
        let floorStart = ContinuousClock.now
        let jiraClient = JiraClient(configuration: services.jira.settings.service!, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 1
            func add() {
                guard next <= issueCount else { return }
                let key = "SUP-\(next)"
                next += 1
                group.addTask {
                    _ = try await jiraClient.issue(key)
                    _ = try await jiraClient.remoteLinks(key)
                    _ = try await jiraClient.slaFields(key)
                }
            }
            for _ in 0..<8 { add() }
            while try await group.next() != nil { add() }
        }
        let floor = ContinuousClock.now - floorStart
        let served = try await services.analytics.withConnection {
            try $0.query("SELECT count(*) FROM issues").rows[0][0].int64 ?? 0
        }
        print(
            "  sustained: \(issueCount) events -> \(served) issues queryable in \(ms(sustained)): \(rate(issueCount, sustained)) events/s   "
                + "floor (the same 3 Jira calls per issue alone, 8 issues at a time): \(ms(floor)), \(rate(issueCount, floor)) issues/s   "
                + "(\(processor.statistics.transforms) transforms)")

        // Latency: one event at a time, until its change is in the served table.
        var latencies: [Double] = []
        var floors: [Double] = []
        var phases: [String: [Int]] = [:]
        for round in 0..<rounds {
            let number = round % issueCount + 1
            let key = "SUP-\(number)"
            var changed = issue(number, created: start.addingTimeInterval(Double(number % 24) * 30 * 86_400))
            changed.summary = "changed \(round)"
            jira.put(changed)
            let began = ContinuousClock.now
            try await send(client, base, jira, keys: [key], senders: 1)
            await processor.idle()
            latencies.append(seconds(ContinuousClock.now - began))
            for (phase, value) in processor.statistics.lastRoundMS { phases[phase, default: []].append(value) }
            let summary = try await services.analytics.withConnection {
                try $0.query("SELECT summary FROM issues WHERE issue_key = ?", [.varchar(key)]).rows.first?[0].string
            }
            guard summary == changed.summary else { throw BenchFailure("\(key) was not updated: \(summary ?? "nil")") }
            let floorBegan = ContinuousClock.now
            _ = try await jiraClient.issue(key)
            _ = try await jiraClient.remoteLinks(key)
            _ = try await jiraClient.slaFields(key)
            floors.append(seconds(ContinuousClock.now - floorBegan))
        }
        latencies.sort()
        floors.sort()
        print(
            "  webhook -> queryable (\(rounds) events, one at a time): p50 \(msText(percentile(latencies, 0.5))) p99 \(msText(percentile(latencies, 0.99)))   "
                + "floor (the 3 Jira calls alone): p50 \(msText(percentile(floors, 0.5))) p99 \(msText(percentile(floors, 0.99)))   target p50 < 1000 ms"
        )

        print(
            "    round phases, median ms: "
                + phases.keys.sorted().map { "\($0) \(phases[$0]!.sorted()[phases[$0]!.count / 2])" }.joined(
                    separator: ", "))

        // A burst: 100 events on one issue, 16 senders at once.
        let before = processor.statistics
        try await send(client, base, jira, keys: Array(repeating: "SUP-1", count: 100), senders: 16)
        await processor.idle()
        let after = processor.statistics
        print(
            "  burst of 100 events on one issue: \(after.transforms - before.transforms) transforms, \(after.fetches - before.fetches) fetches   target 1-2 transforms"
        )
        task.cancel()
        try await client.shutdown()
        await jira.stop()
    }

    static func issue(_ number: Int, created: Date) -> FakeJiraIssue {
        FakeJiraIssue(
            key: "SUP-\(number)", summary: "Issue \(number)", created: created, labels: ["bench"],
            comments: [FakeJiraComment(id: "\(number)01", author: .agent, body: "Looking at it", created: created)],
            changelog: [
                FakeJiraChange(
                    id: "\(number)02", created: created,
                    items: [
                        FakeJiraChangeItem(
                            field: "status", fieldtype: "jira", fromString: "To Do", toString: "In Progress")
                    ])
            ],
            sla: [
                FakeJiraSLA.timeToResolution: FakeJiraSLA.ongoing(
                    name: "Time to resolution", start: created, goal: 14_400, elapsed: 600)
            ])
    }

    /// Sends one signed `jira:issue_updated` webhook per key, `senders` at a time.
    static func send(_ client: HTTPClient, _ base: String, _ jira: FakeJira, keys: [String], senders: Int) async throws
    {
        var queue = keys.enumerated().map { ($0.offset, $0.element) }[...]
        let stamp = UUID().uuidString
        try await withThrowingTaskGroup(of: Void.self) { group in
            func add() {
                guard let (index, key) = queue.popFirst() else { return }
                let body = jira.webhookBody(event: "jira:issue_updated", key: key)
                group.addTask {
                    var request = HTTPClientRequest(url: base + "/webhooks/jira")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "X-Hub-Signature", value: FakeJira.signature(of: body, secret: secret))
                    request.headers.add(name: "X-Atlassian-Webhook-Identifier", value: "\(stamp)-\(index)")
                    request.body = .bytes(ByteBuffer(bytes: body))
                    let response = try await client.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 20)
                    guard response.status == .ok else { throw BenchFailure("webhook answered \(response.status)") }
                }
            }
            for _ in 0..<senders { add() }
            while try await group.next() != nil { add() }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    static func ms(_ duration: Duration) -> String { msText(seconds(duration)) }
    static func msText(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
    static func rate(_ count: Int, _ duration: Duration) -> String {
        String(format: "%.0f", Double(count) / seconds(duration))
    }
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}
