import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes jira …`: the Jira source, from an admin's machine.
struct JiraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jira", abstract: "The Jira source (admin).", subcommands: [JiraBackfillCommand.self])
}

/// `agnes jira backfill [--jql Q] [--no-wait]`: imports a project's existing issues through the
/// webhook's path on the server (`POST /api/admin/jira/backfill`), and follows it until it is done.
/// Running it again with the same JQL resumes where an interrupted backfill stopped.
struct JiraBackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Import existing Jira issues (a JQL search) into the Jira tables; resumable.",
        discussion: """
            Without --jql the server imports its JIRA_PROJECT's issues. The same JQL again resumes an \
            interrupted backfill at the page it reached; another JQL starts a new one.

            Examples:
              agnes jira backfill
              agnes jira backfill --jql 'project = SUP AND created >= "2025/01/01"'
              agnes jira backfill --no-wait
            """)

    @Option(help: "The issues to import, as JQL (default: the server's JIRA_PROJECT).") var jql: String?
    @Flag(help: "Start it and return; follow it with `agnes jira backfill --status`.") var noWait = false
    @Flag(help: "Show the current or last backfill and exit.") var status = false
    @Option(help: "Seconds between progress lines while waiting.") var interval: Double = 2

    func validate() throws {
        if let jql, jql.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--jql is empty; leave it out to import the server's JIRA_PROJECT")
        }
        if interval <= 0 { throw ValidationError("--interval must be positive") }
    }

    func run() async throws {
        let context = try ClientContext()
        try await context.withAPI { api in
            if status {
                StandardOutput.line(Self.describe(try await api.jiraBackfill()))
                return
            }
            var current = try await api.startJiraBackfill(jql: jql)
            StandardOutput.line("started: \(current["jql"]?.string ?? "")")
            guard !noWait else { return }
            while current["running"] == .bool(true) {
                try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                current = try await api.jiraBackfill()
                StandardOutput.line(Self.describe(current))
            }
            if let error = current["error"]?.string {
                throw ClientError(
                    .server, "the backfill stopped: \(error)",
                    hint: "run the same command again to resume where it stopped")
            }
        }
    }

    static func describe(_ status: JSONValue) -> String {
        let pages = status["pages"].map { "\($0)" } ?? "0"
        let queued = status["queued"].map { "\($0)" } ?? "0"
        let state =
            status["running"] == .bool(true)
            ? "running"
            : status["finished_at"]?.string != nil
                ? "finished" : (status["error"]?.string != nil) ? "failed" : "stopped"
        return "\(state): \(queued) issues queued from \(pages) pages (\(status["jql"]?.string ?? ""))"
    }
}
