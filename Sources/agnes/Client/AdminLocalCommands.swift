import AgnesCLI
import AgnesClient
import AgnesCore
import ArgumentParser
import Foundation

/// Where the server's data lives, for the commands that write its store directly.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The server's data directory (default: $DATA_DIR or ./data).")
    var dataDirectory: String?

    var resolved: String {
        dataDirectory ?? ProcessInfo.processInfo.environment["DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
    }
}

/// `agnes admin metrics`.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Import and export metric definitions (YAML) in the server's store.",
        discussion: """
            These write DATA_DIR/state/system.duckdb directly: stop the server first.

            Examples:
              agnes admin metrics import metrics/ --data-dir /data
              agnes admin metrics export --dir metrics --data-dir /data
            """,
        subcommands: [Import.self, Export.self, Validate.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Import metrics from a YAML file or a directory of them.",
            discussion: "Example:\n  agnes admin metrics import metrics/ --data-dir /data")
        @Argument(help: "A .yml file or a directory.") var path: String
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let metrics = try MetricFiles.read(path: path)
            try await MetricFiles.importInto(
                dataDirectory: data.resolved, metrics: metrics, logger: CommandLogging.logger(label: "agnes.metrics"))
            Output.lines(["Imported \(metrics.count) metric\(metrics.count == 1 ? "" : "s")."])
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Write every metric to <dir>/<category>/<name>.yml.",
            discussion: "Example:\n  agnes admin metrics export --dir metrics --data-dir /data")
        @Option(help: "The directory to write to.") var dir = "metrics"
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            let files = try await MetricFiles.export(
                dataDirectory: data.resolved, to: URL(fileURLWithPath: dir, isDirectory: true),
                logger: CommandLogging.logger(label: "agnes.metrics"))
            Output.lines(["Exported \(files.count) metric\(files.count == 1 ? "" : "s") to \(dir)."])
        }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate", abstract: "Check metric YAML files without importing them.",
            discussion: "Example:\n  agnes admin metrics validate metrics/")
        @Argument(help: "A .yml file or a directory.") var path: String

        func run() async throws {
            let metrics = try MetricFiles.read(path: path)
            let missingSQL = metrics.filter { $0.sql.isEmpty }.map(\.id)
            Output.lines(["\(metrics.count) metric\(metrics.count == 1 ? "" : "s") read."])
            if !missingSQL.isEmpty {
                throw ClientError(.usage, "metrics without sql: \(missingSQL.joined(separator: ", "))")
            }
        }
    }
}

/// `agnes admin break-glass`.
struct BreakGlassCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "break-glass", abstract: "Emergency access for when no admin can sign in.",
        discussion: "Example:\n  agnes admin break-glass grant-admin ana@example.com --data-dir /data",
        subcommands: [GrantAdmin.self])

    struct GrantAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant-admin",
            abstract: "Make a user an admin by writing the server's system store directly.",
            discussion: """
                Creates the user if missing and re-activates a deactivated one. The server must be \
                stopped (the store allows one process at a time). Asks for confirmation unless --yes.

                Example:
                  agnes admin break-glass grant-admin ana@example.com --data-dir /data --yes
                """)
        @Argument(help: "The user's email.") var email: String
        @Flag(help: "Do not ask for confirmation.") var yes = false
        @OptionGroup var data: DataDirectoryOption

        func run() async throws {
            if !yes {
                FileHandleOutput.standardError("Make \(email) an admin of the server at \(data.resolved)? [y/N] ")
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    throw CommandFailure(cause: "not confirmed", hint: "pass --yes to skip the question", exitCode: 1)
                }
            }
            let outcome = try await BreakGlass(dataDirectory: data.resolved).grantAdmin(
                email: email, logger: CommandLogging.logger(label: "agnes.break-glass"))
            var notes: [String] = []
            if outcome.created { notes.append("created the user") }
            if outcome.reactivated { notes.append("re-activated the user") }
            if !outcome.addedToAdmin { notes.append("already an admin") }
            Output.lines(["\(outcome.email) is an admin\(notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))")."])
        }
    }
}
