import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes pull`.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Download the tables you may read that changed, and refresh the local database.",
        discussion: """
            Reads the server's manifest, downloads only tables whose content hash differs or whose file \
            is missing (in parallel, resuming interrupted downloads, verifying each file's MD5), removes \
            tables you may no longer read, updates the DuckDB views in user/duckdb/analytics.duckdb (your \
            own tables there are kept) and writes corporate-memory rules to .claude/rules/. \
            A table either gets its new, verified file or keeps the previous one; if any table fails the \
            command says which and why and exits 1.

            Environment: AGNES_PULL_CONCURRENCY (parallel downloads, default 4), AGNES_STREAM_RETRIES \
            (retries per download, default 3).

            Examples:
              agnes pull
              agnes pull --dry-run          # what would change, without writing anything
              agnes pull --json             # {tables_updated, parquets_total, errors, phases, …}
              agnes pull --verify           # re-hash local files, re-fetch damaged ones
            """
    )

    @Flag(help: "Print only warnings and errors.")
    var quiet = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Flag(name: .customLong("dry-run"), help: "Show what would be downloaded and removed; change nothing.")
    var dryRun = false

    @Flag(help: "Check every local file's content, not only files whose size or time changed.")
    var verify = false

    func run() async throws {
        let context = try ClientContext()
        var options = PullOptions(environment: context.environment)
        options.dryRun = dryRun
        options.verify = verify
        let showProgress = !quiet && !json && Terminal.isErrorTerminal
        let report: PullReport
        do {
            report = try await context.withAPI(connections: options.concurrency * 2) { api in
                var puller = Puller(api: api, workspace: context.workspace, options: options)
                if showProgress {
                    let bar = ProgressBar()
                    puller.onEvent = { bar.handle($0) }
                }
                return try await puller.run()
            }
        } catch let error as ClientError where json {
            var report = PullReport()
            report.errors = [PullReport.Issue(stage: "manifest", table: nil, error)]
            try Output.json(report)
            throw ExitCode(ExitStatus.code(for: error))
        }
        try Self.print(report, json: json, quiet: quiet)
        if !report.isSuccess { throw ExitCode(1) }
    }

    /// Prints a pull report: JSON, or summary lines with warnings and errors on standard error.
    static func print(_ report: PullReport, json: Bool, quiet: Bool) throws {
        if json {
            try Output.json(report)
            return
        }
        if !quiet { Output.lines(report.summaryLines) }
        for warning in report.warnings { Output.warn(warning) }
        for issue in report.errors {
            let subject = issue.table.map { "\($0): " } ?? ""
            let message = issue.error.hasPrefix(subject) ? issue.error : subject + issue.error
            FileHandleOutput.standardError("error: \(message)\n" + (issue.hint.map { "hint: \($0)\n" } ?? ""))
        }
        if !report.isSuccess {
            let tables = report.failedTables
            let what =
                tables.isEmpty
                ? "" : " for \(tables.count) table\(tables.count == 1 ? "" : "s"): \(tables.joined(separator: ", "))"
            FileHandleOutput.standardError("error: pull failed\(what)\n")
        }
    }
}
