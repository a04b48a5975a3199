import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes init`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up an analyst workspace: check the token, write CLAUDE.md and hooks, pull the data.",
        discussion: """
            Verifies the token, saves the server URL (config.yaml) and token (token.json, mode 0600) in \
            ~/.config/agnes, writes CLAUDE.md (from the server's /api/welcome, or a built-in template when \
            the server has none), installs Claude Code hooks in .claude/settings.json (pull at session \
            start, push at session end; other hooks are kept), creates .claude/CLAUDE.local.md if absent, \
            runs the first pull and writes AGNES_WORKSPACE.md.

            Prefer --token-stdin or AGNES_TOKEN to --token: arguments are visible to other users of the \
            machine in the process list.

            Examples:
              agnes init --server-url https://agnes.example.com --token-stdin < token.txt
              AGNES_TOKEN=… agnes init --server-url http://localhost:8000 --workspace ~/analysis
              agnes init --server-url https://agnes.example.com --force   # re-initialise
            """
    )

    @Option(name: .customLong("server-url"), help: "The Agnes server, e.g. https://agnes.example.com.")
    var serverURL: String

    @Option(help: "A personal access token (prefer --token-stdin or AGNES_TOKEN).")
    var token: String?

    @Flag(name: .customLong("token-stdin"), help: "Read the token from standard input.")
    var tokenFromStandardInput = false

    @Flag(help: "Initialise again even if CLAUDE.md already marks this as an Agnes workspace.")
    var force = false

    @Option(help: "The workspace directory (default: $AGNES_LOCAL_DIR or the current directory).")
    var workspace: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let explicitToken =
            tokenFromStandardInput
            ? try SecretInput.readLine(what: "token")
            : token ?? ProcessInfo.processInfo.environment["AGNES_TOKEN"]
        guard let explicitToken, !explicitToken.isEmpty else {
            throw ClientError(
                .usage, "no token given",
                hint: "pass --token-stdin (or --token, or set AGNES_TOKEN) with a personal access token from the web UI"
            )
        }
        let context = try ClientContext(server: serverURL, token: explicitToken, workspace: workspace)
        var options = PullOptions(environment: context.environment)
        options.dryRun = false
        let showProgress = !json && Terminal.isErrorTerminal
        let report = try await context.withAPI(connections: options.concurrency * 2) { api in
            var initializer = WorkspaceInitializer(api: api, workspace: context.workspace, directory: context.directory)
            initializer.force = force
            initializer.pullOptions = options
            if showProgress {
                let bar = ProgressBar()
                initializer.onEvent = { bar.handle($0) }
            }
            return try await initializer.run()
        }
        if json {
            try Output.json(report)
        } else {
            Output.lines([
                "Initialised \(report.workspace) for \(report.server)\(report.email.map { " as \($0)" } ?? "").",
                "CLAUDE.md: from the \(report.claudeMD == "server" ? "server" : "built-in template"); hooks: \(report.settings.rawValue); notes: \(report.localNotesCreated ? "created" : "kept").",
            ])
            for warning in report.warnings where !report.pull.warnings.contains(warning) { Output.warn(warning) }
            try PullCommand.print(report.pull, json: false, quiet: false)
        }
        if !report.pull.isSuccess { throw ExitCode(1) }
    }
}
