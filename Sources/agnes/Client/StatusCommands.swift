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
            granted, and the local database. Exits 1 when a check fails.

            Examples:
              agnes diagnose
              agnes diagnose --json
            """
    )

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = try ClientContext()
        let diagnosis = try await context.withAPI(requireToken: false) { api in
            await Diagnosis.run(settings: context.settings, workspace: context.workspace, api: api)
        }
        if json { try Output.json(diagnosis) } else { Output.lines(diagnosis.lines) }
        if diagnosis.overall == .fail { throw ExitCode(1) }
    }
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
