import AgnesFakes
import DuckDB
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// kill -9 between the webhook's 200 and the processing: the event is processed after the restart.
@Suite(.serialized) struct JiraKillTests {
    static let secret = "kill-secret"

    static func environment(_ jira: FakeJira) -> [String: String] {
        [
            "JIRA_WEBHOOK_SECRET": secret, "JIRA_BASE_URL": jira.baseURL, "JIRA_EMAIL": "bot@example.com",
            "JIRA_API_TOKEN": "jira-token", "LOG_LEVEL": "error",
        ]
    }

    static func issue() -> FakeJiraIssue {
        FakeJiraIssue(
            key: "OPS-12", summary: "Disk full", created: Date(timeIntervalSince1970: 1_772_619_330),
            changelog: [
                FakeJiraChange(
                    id: "1", created: Date(timeIntervalSince1970: 1_772_619_400),
                    items: [
                        FakeJiraChangeItem(field: "status", fieldtype: "jira", fromString: "To Do", toString: "Done")
                    ])
            ])
    }

    @Test func anEventAcceptedBeforeAKillIsProcessedAfterTheRestart() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-jira-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        // Jira fails for this issue, so the first server can only keep retrying it.
        let down = await FakeJira.start()
        down.put(Self.issue())
        down.inject(.status(503), pathContains: "/rest/api/3/issue/OPS-12", times: 100_000)
        let first = try AgnesProcess(
            ["serve", "--port", "0", "--data-dir", root.path], environment: Self.environment(down))
        let port = try #require(try await first.listeningPort(), "no listening line in: \(first.output)")
        let body = Data(#"{"timestamp":1772619400000,"webhookEvent":"jira:issue_updated","issue_key":"OPS-12"}"#.utf8)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/webhooks/jira")!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue(FakeJira.signature(of: body, secret: Self.secret), forHTTPHeaderField: "X-Hub-Signature-256")
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        // Processing has begun (Jira was asked) and cannot finish: kill -9 now.
        let deadline = ContinuousClock.now + .seconds(30)
        while down.requestCount(pathContains: "/issue/OPS-12") == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        first.signal(SIGKILL)
        _ = try await first.wait()
        await down.stop()
        let queue = root.appendingPathComponent("extracts/jira/raw/queue")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: queue.path).filter { $0.hasSuffix(".json") }.count == 1)

        // The next start, with Jira reachable, processes it.
        let up = await FakeJira.start()
        defer { Task { await up.stop() } }
        up.put(Self.issue())
        let second = try AgnesProcess(
            ["serve", "--port", "0", "--data-dir", root.path], environment: Self.environment(up))
        let secondPort = try #require(try await second.listeningPort(), "no listening line in: \(second.output)")
        var queued = -1
        let until = ContinuousClock.now + .seconds(60)
        while queued != 0, ContinuousClock.now < until {
            let health = try await HTTPGet.json("http://127.0.0.1:\(secondPort)/webhooks/jira/health")
            queued = health.body["queued"] as? Int ?? -1
            if queued != 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(queued == 0, "\(second.output)")
        second.signal(SIGTERM)
        _ = try await second.wait()
        let connection = try Database(path: ":memory:").connect()
        let data = root.appendingPathComponent("extracts/jira/data")
        #expect(
            FileManager.default.fileExists(atPath: data.appendingPathComponent("issues.parquet").path),
            "\(second.output)")
        let issues = try connection.query(
            "SELECT issue_key, summary FROM read_parquet('\(data.appendingPathComponent("issues.parquet").path)')"
        ).rows
        #expect(issues == [[.varchar("OPS-12"), .varchar("Disk full")]])
        let changes = try connection.query(
            "SELECT to_value FROM read_parquet('\(data.appendingPathComponent("changelog.parquet").path)')"
        ).rows
        #expect(changes == [[.varchar("Done")]])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: queue.path).filter { $0.hasSuffix(".json") }.isEmpty)
    }
}
