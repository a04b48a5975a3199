import AgnesCore
import AgnesData
import AgnesJobs
import AgnesServer
import ArgumentParser
import Foundation
import Hummingbird
import Logging

/// `agnes serve`: the API server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Agnes server.",
        discussion: """
            Opens DATA_DIR (system store, extracts, analytics), syncs the local source, rebuilds the analytics \
            database and serves the API until SIGTERM or SIGINT (graceful: in-flight requests finish).

            Examples:
              agnes serve
              agnes serve --demo --port 8000            # demo data on an empty DATA_DIR
              DATA_DIR=/data agnes serve --host 0.0.0.0
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8000

    @Option(name: .customLong("data-dir"), help: "The data directory (default: $DATA_DIR or ./data).")
    var dataDirectory: String?

    @Flag(help: "Generate demo data (orders, customers, events) when DATA_DIR is empty, and a first admin.")
    var demo = false

    @Option(
        name: .customLong("demo-scale"),
        help: "With --demo: this fraction of the full demo's rows (1M orders, 5M events), e.g. 0.01 for a quick start.")
    var demoScale: Double = 1

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard demoScale > 0, demoScale <= 1 else {
            throw ValidationError("--demo-scale must be a fraction above 0 and at most 1, such as 0.01")
        }
    }

    func run() async throws {
        var environment = ProcessInfo.processInfo.environment
        if let dataDirectory { environment["DATA_DIR"] = dataDirectory }
        let bootLogger = ServerLogging.logger(level: .info)
        do {
            let settings = try ConfigLoader.load(environment: environment, logger: bootLogger)
            let logger = ServerLogging.logger(level: settings.logLevel)
            OpenFileLimit.raise(for: settings.http, logger: logger)
            let services = try await AgnesServices.open(settings: settings, logger: logger)
            let report = try await ServerBootstrap.run(
                services: services, demo: demo, demoSize: .scaled(demoScale))
            if let admin = report.generatedAdmin {
                StandardOutput.line(
                    "agnes: created the first admin \(admin.email) with password \(admin.password) (shown once)")
            }
            if let rebuild = report.rebuild {
                StandardOutput.line(
                    "agnes: analytics generation \(rebuild.generation): \(rebuild.views.count) tables, \(rebuild.issues.count) issues"
                )
            }
            let app = AgnesServer.application(services: services, host: host, port: port) { port in
                StandardOutput.line("agnes: listening on http://\(host):\(port)")
                services.scheduler.start()
                services.jira.start()
            }
            try await app.runService()
            await services.scheduler.stop()
            await services.profiling.stopBackground()
            // Mail the last requests asked for before the process ends (a stuck mail server gets 10 s).
            _ = await withTaskGroup(of: Void.self) { group in
                group.addTask { await services.background.idle() }
                group.addTask { try? await Task.sleep(for: .seconds(10)) }
                await group.next()
                group.cancelAll()
            }
        } catch {
            throw CommandFailure(error)
        }
    }
}

/// Log output of the server: one line per event on standard error, with structured metadata.
enum ServerLogging {
    static func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "agnes") { ServerLogHandler(label: $0) }
        logger.logLevel = level
        return logger
    }
}
