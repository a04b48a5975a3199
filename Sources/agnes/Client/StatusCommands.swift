import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes status`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what this workspace holds, from local files only.",
        discussion: """
            Examples:
              agnes status
              agnes status --json   # {workspace, initialized, parquet_tables, last_synced, …}
            """
    )

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = try ClientContext()
        let status = WorkspaceStatus.read(
            workspace: context.workspace, settings: context.settings, environment: context.environment,
            pushState: context.pushStateFile)
        if json { try Output.json(status) } else { Output.lines(status.lines) }
    }
}

/// `agnes diagnose`.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Check the server, the token and the workspace, and say what to do about problems.",
        discussion: """
            Checks: the server URL in use, whether the server answers (and its health), whether the token \
            is valid, which tables are stale, not pulled, interrupted, changed locally or no longer \
            granted, and the local database. Exits 1 when a check fails. agnes diagnose system checks this \
            machine's side instead (configuration, token expiry, local database, disk).

            Examples:
              agnes diagnose
              agnes diagnose --json
              agnes diagnose system --local
            """,
        subcommands: [DiagnoseSystemCommand.self]
    )

    @OptionGroup var output: JSONOutput

    func run() async throws {
        let context = try ClientContext()
        let diagnosis = try await context.withAPI(requireToken: false) { api in
            await Diagnosis.run(settings: context.settings, workspace: context.workspace, api: api)
        }
        if output.json { try Output.json(diagnosis) } else { Output.lines(diagnosis.lines) }
        if diagnosis.overall == .fail { throw ExitCode(1) }
    }
}

/// `agnes diagnose system`.
struct DiagnoseSystemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system",
        abstract: "Check this machine's side: CLI, configuration, server, token, workspace, local database, disk.",
        discussion: """
            Checks: the CLI's version; the configuration directory (and a token file others can read); the \
            server URL, whether it answers (GET /api/version, /api/health) and whether its version is the \
            CLI's; the token (type, email and expiry read from it, and whether the server accepts it); the \
            server's services (GET /api/health/detailed); the workspace; the local database and its views; \
            the pulled tables and interrupted downloads; snapshots against their quota; free disk space. \
            --local skips everything that goes over the network. Exits 1 when a check fails.

            Examples:
              agnes diagnose system
              agnes diagnose system --local
              agnes diagnose system --json   # {overall, local, checks: [{name, status, detail, action}], facts}
            """
    )

    @Flag(help: "Check only this machine: no network call.")
    var local = false

    @OptionGroup var output: JSONOutput

    func run() async throws {
        let context = try ClientContext()
        let report: SystemDiagnosis
        if local {
            report = await SystemDiagnosis.run(
                settings: context.settings, workspace: context.workspace, environment: context.environment,
                cliVersion: AgnesVersion.current, api: nil)
        } else {
            report = try await context.withAPI(requireToken: false) { api in
                await SystemDiagnosis.run(
                    settings: context.settings, workspace: context.workspace, environment: context.environment,
                    cliVersion: AgnesVersion.current, api: api)
            }
        }
        if output.json { try Output.json(report) } else { Output.lines(report.lines) }
        if report.overall == .fail { throw ExitCode(1) }
    }
}

/// `--json` of `agnes diagnose` and `agnes diagnose system`: one option group shared by both, because a
/// flag declared by each would be taken by the parent (`agnes diagnose system --json` printed text).
struct JSONOutput: ParsableArguments {
    @Flag(help: "Print JSON.")
    var json = false
}

/// `agnes disk-info`.
struct DiskInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disk-info",
        abstract: "Show the disk space used by snapshots and pulled tables, and what is free.",
        discussion: """
            Examples:
              agnes disk-info
              agnes disk-info --json
            """
    )

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = try ClientContext()
        let info = DiskInfo.measure(workspace: context.workspace, environment: context.environment)
        if json { try Output.json(info) } else { Output.lines(info.lines) }
    }
}
