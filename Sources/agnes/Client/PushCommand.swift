import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes push`.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Upload this workspace's Claude Code session transcripts and .claude/CLAUDE.local.md.",
        discussion: """
            Transcripts are the *.jsonl files Claude Code keeps for this directory under \
            ~/.claude/projects/ (CLAUDE_CONFIG_DIR), plus legacy user/sessions/*.jsonl. Transcripts \
            already uploaded unchanged are skipped. Exits 1 if any upload failed.

            Examples:
              agnes push
              agnes push --dry-run --json
            """
    )

    @Flag(help: "Print only errors.")
    var quiet = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Flag(name: .customLong("dry-run"), help: "List what would be uploaded; upload nothing.")
    var dryRun = false

    func run() async throws {
        let context = try ClientContext()
        let finder = SessionFinder(workspace: context.workspace, environment: context.environment)
        let report = try await context.withAPI { api in
            await Pusher(api: api, workspace: context.workspace, finder: finder, stateFile: context.pushStateFile)
                .run(dryRun: dryRun)
        }
        if json {
            if dryRun { try Output.json(report.dryRunJSON) } else { try Output.json(report) }
        } else if !quiet {
            let verb = dryRun ? "Would upload" : "Uploaded"
            var line = "\(verb) \(report.sessions.count) session\(report.sessions.count == 1 ? "" : "s")"
            if !report.unchanged.isEmpty { line += " (\(report.unchanged.count) unchanged)" }
            line += report.localMD ? " and CLAUDE.local.md." : "."
            Output.lines([line])
        }
        for issue in report.errors where !json {
            FileHandleOutput.standardError(
                "error: \(issue.table.map { "\($0): " } ?? "")\(issue.error)\n"
                    + (issue.hint.map { "hint: \($0)\n" } ?? ""))
        }
        if !report.errors.isEmpty { throw ExitCode(1) }
    }
}
