import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesServer
import ArgumentParser
import Foundation

/// `agnes rebuild`: rebuild the analytics database offline (the server must not be running).
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Sync the local source and rebuild the analytics database of a stopped server.",
        discussion: """
            Prints the result as JSON: the views per source and every problem found.

            Examples:
              agnes rebuild --data-dir /data
            """
    )

    @Option(name: .customLong("data-dir"), help: "The data directory (default: $DATA_DIR or ./data).")
    var dataDirectory: String?

    func run() async throws {
        var environment = ProcessInfo.processInfo.environment
        if let dataDirectory { environment["DATA_DIR"] = dataDirectory }
        let logger = CommandLogging.logger(label: "agnes.rebuild")
        let result: RebuildResult
        do {
            let settings = try ConfigLoader.load(environment: environment, logger: logger)
            let services = try await AgnesServices.open(settings: settings, logger: logger)
            result = try await ServerBootstrap.run(services: services, demo: false).rebuild!
            // The rebuild asked for profiles in the background; the server makes them when it starts.
            // Exiting while one runs would tear DuckDB down under it (seen: a crash at exit under load).
            await services.profiling.stopBackground()
        } catch {
            throw CommandFailure(error)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
        if !result.issues.isEmpty { throw ExitCode(1) }
    }
}
