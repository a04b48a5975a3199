import AgnesCore
import AgnesStore
import ArgumentParser
import Foundation
import Logging

/// `agnes doctor`: checks a server install (DuckDB, configuration, system store) and migrates the store.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the server install: DuckDB library, configuration and system store (migrating it).",
        discussion: """
            Reads DATA_DIR and CONFIG_DIR from the environment (or the options below), loads \
            config/instance.yaml with its overlay, opens DATA_DIR/state/system.duckdb (creating or \
            migrating it, with a backup first) and prints what it found.

            Examples:
              agnes doctor
              agnes doctor --data-dir /data --json
            """
    )

    @Option(name: .customLong("data-dir"), help: "The data directory (default: $DATA_DIR or ./data).")
    var dataDirectory: String?

    @Option(name: .customLong("config-dir"), help: "The configuration directory (default: $CONFIG_DIR or ./config).")
    var configDirectory: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let logger = CommandLogging.logger(label: "agnes.doctor")
        var environment = ProcessInfo.processInfo.environment
        if let dataDirectory { environment["DATA_DIR"] = dataDirectory }
        if let configDirectory { environment["CONFIG_DIR"] = configDirectory }
        let report: InstallationReport
        do {
            let settings = try ConfigLoader.load(environment: environment, logger: logger)
            report = try await InstallationReport.check(settings: settings, logger: logger)
        } catch {
            throw CommandFailure(error)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(
                """
                status:         \(report.status)
                duckdb:         \(report.duckdbVersion)
                data dir:       \(report.dataDirectory)
                system store:   \(report.storePath)
                schema:         \(report.schema) (version \(report.schemaVersion.map(String.init) ?? "?"), expected \(report.expectedSchemaVersion)\
                \(report.schemaVersionBefore != report.expectedSchemaVersion ? ", migrated from \(report.schemaVersionBefore)" : ""))
                users:          \(report.users)
                system groups:  \(report.systemGroups.joined(separator: ", "))
                """)
        }
        if report.status != "ok" { throw ExitCode(1) }
    }
}
