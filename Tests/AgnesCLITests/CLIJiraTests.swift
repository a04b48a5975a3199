import AgnesClient
import AgnesFakes
import Foundation
import Testing

/// `agnes jira backfill` against a real `agnes serve` and a fake Jira Cloud.
@Suite(.serialized) struct CLIJiraTests {
    @Test func backfillImportsTheProjectAndSaysWhatIsWrong() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let jira = await FakeJira.start()
        defer { Task { await jira.stop() } }
        for number in 1...120 {
            jira.put(FakeJiraIssue(key: "SUP-\(number)", created: Date(timeIntervalSince1970: 1_772_619_330)))
        }
        let environment = [
            "JIRA_BASE_URL": jira.baseURL, "JIRA_EMAIL": "bot@example.com", "JIRA_API_TOKEN": "jira-token",
            "JIRA_WEBHOOK_SECRET": "s",
        ]
        // Without JIRA_PROJECT and without --jql the server cannot know what to import.
        let bare = try await ServerProcess(dataDirectory: root.path("bare"), environment: environment)
        let bareCLI = try CLI(root: root.url.appendingPathComponent("bare-cli"), server: bare.base)
        _ = try await bareCLI.run(
            ["setup", "bootstrap", "root@example.com", "--password-stdin", "--server", bare.base],
            stdin: "password123\n")
        let noQuery = try await bareCLI.run(["jira", "backfill"])
        #expect(noQuery.status != 0 && noQuery.stderr.contains("JIRA_PROJECT"), "\(noQuery.stderr)")
        let empty = try await bareCLI.run(["jira", "backfill", "--jql", " "])
        #expect(empty.status != 0 && empty.stderr.contains("--jql is empty"), "\(empty.stderr)")
        await bare.stop()

        var configured = environment
        configured["JIRA_PROJECT"] = "SUP"
        let server = try await ServerProcess(dataDirectory: root.path("data"), environment: configured)
        defer { Task { await server.stop() } }
        let cli = try CLI(root: root.url, server: server.base)
        let boot = try await cli.run(
            ["setup", "bootstrap", "root@example.com", "--password-stdin", "--server", server.base],
            stdin: "password123\n")
        #expect(boot.status == 0, "\(boot.stderr)")
        let never = try await cli.run(["jira", "backfill", "--status"])
        #expect(never.status != 0 && never.stderr.contains("No backfill has run"), "\(never.stderr)")
        let run = try await cli.run(["jira", "backfill", "--interval", "0.05"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("finished: 120 issues queued from 2 pages"), "\(run.stdout)")
        let status = try await cli.run(["jira", "backfill", "--status"])
        #expect(status.stdout.contains("finished"), "\(status.stdout)")
        // The issues are being (or have been) imported through the webhook's path.
        #expect(jira.requests.filter { $0.path.hasPrefix("/rest/api/3/issue/SUP-") }.count > 0)
    }
}
