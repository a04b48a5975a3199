import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes setup`.
struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup", abstract: "First steps against a new server: point at it, create the first admin, sync.",
        discussion: """
            Examples:
              agnes setup bootstrap admin@example.com --server http://localhost:8000
              agnes setup first-sync
              agnes setup verify
            """,
        subcommands: [Init.self, Bootstrap.self, TestConnection.self, FirstSync.self, Verify.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init", abstract: "Save the server URL to config.yaml.",
            discussion: "Example:\n  agnes setup init --server https://agnes.example.com")
        @Option(help: "The server.") var server: String

        func run() async throws {
            let context = try ClientContext(server: server)
            try context.directory.saveServer(context.settings.server)
            Output.lines(["Saved \(context.settings.server) to \(context.directory.configFile.path)."])
        }
    }

    struct Bootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bootstrap",
            abstract: "Create the first admin on a server where nobody has a password yet; saves the token.",
            discussion: """
                Examples:
                  agnes setup bootstrap admin@example.com --name Admin --server http://localhost:8000
                  printf '%s\\n' "$PASSWORD" | agnes setup bootstrap admin@example.com --password-stdin
                """)
        @Argument(help: "The admin's email.") var email: String
        @Option(help: "The admin's name.") var name: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
        var passwordFromStandardInput = false
        @Option(help: "The server (saved to config.yaml).") var server: String?

        func run() async throws {
            let password =
                try passwordFromStandardInput ? SecretInput.readLine(what: "password") : SecretInput.prompt("Password")
            let context = try ClientContext(server: server)
            let answer = try await context.withAPI(requireToken: false) { api in
                try await api.bootstrap(email: email, name: name, password: password)
            }
            try context.directory.saveServer(context.settings.server)
            try context.directory.saveToken(StoredToken(accessToken: answer.accessToken, email: answer.email ?? email))
            Output.lines(["Created the first admin \(answer.email ?? email) on \(context.settings.server); signed in."])
        }
    }

    struct TestConnection: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-connection", abstract: "Check that the server answers and report its version.",
            discussion: "Example:\n  agnes setup test-connection")

        func run() async throws {
            let context = try ClientContext()
            let version = try await context.withAPI(requireToken: false) { api in try await api.version() }
            Output.lines(["\(context.settings.server) answers: version \(version["version"]?.description ?? "?")."])
        }
    }

    struct FirstSync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "first-sync", abstract: "Ask the server to sync every table now (admin).",
            discussion: "Example:\n  agnes setup first-sync")

        func run() async throws {
            let context = try ClientContext()
            let answer = try await context.withAPI { api in try await api.triggerSync(tables: nil) }
            Output.lines([answer["message"]?.string ?? "Sync \(answer["status"]?.string ?? "requested")."])
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check the server end to end: health, detailed health, manifest, users, /login, /docs.",
            discussion: """
                One line per check. A route only admins may use is reported as "needs admin" (a warning, \
                not a failure) when the token is not an admin's; without a token the signed-in checks fail. \
                When the server does not answer, the other checks are not attempted. Exits 1 when a check \
                fails.

                Examples:
                  agnes setup verify
                  agnes setup verify --json   # {server, overall, checks: [{name, status, detail, action}]}
                """)
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try ClientContext()
            let report = try await context.withAPI(requireToken: false) { api in
                await ServerVerification.run(api: api, hasToken: context.settings.token != nil)
            }
            if json { try Output.json(report) } else { Output.lines(report.lines) }
            if report.overall == .fail { throw ExitCode(1) }
        }
    }
}
