import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes auth`.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Sign in and out, and manage personal access tokens.",
        discussion: """
            Examples:
              agnes auth login --email ana@example.com --server https://agnes.example.com
              agnes auth token create --name laptop
              agnes auth whoami --verify
            """,
        subcommands: [
            LoginCommand.self, LogoutCommand.self, WhoamiCommand.self, ImportTokenCommand.self, TokenCommand.self,
        ]
    )
}

/// `agnes auth login`.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in with email and password; saves a 24-hour session token.",
        discussion: """
            The password is prompted for (without echo) unless --password-stdin is given. For a \
            long-lived credential, create a personal access token afterwards: agnes auth token create.

            Examples:
              agnes auth login --email ana@example.com --server https://agnes.example.com
              printf '%s\\n' "$PASSWORD" | agnes auth login --email ana@example.com --password-stdin
            """
    )

    @Option(help: "Your email.")
    var email: String

    @Option(help: "The password (prefer the prompt or --password-stdin: arguments are visible to others).")
    var password: String?

    @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
    var passwordFromStandardInput = false

    @Option(help: "The server (saved to config.yaml).")
    var server: String?

    func run() async throws {
        let secret =
            try password
            ?? (passwordFromStandardInput ? SecretInput.readLine(what: "password") : SecretInput.prompt("Password"))
        let context = try ClientContext(server: server)
        let answer = try await context.withAPI(requireToken: false) { api in
            try await api.signIn(email: email, password: secret)
        }
        if server != nil { try context.directory.saveServer(context.settings.server) }
        try context.directory.saveToken(StoredToken(accessToken: answer.accessToken, email: answer.email ?? email))
        Output.lines([
            "Signed in to \(context.settings.server) as \(answer.email ?? email)\(answer.role == "admin" ? " (admin)" : "")."
        ])
    }
}

/// `agnes auth logout`.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Delete the saved token (token.json).",
        discussion: "Example:\n  agnes auth logout")

    func run() async throws {
        let context = try ClientContext()
        let deleted = try context.directory.deleteToken()
        Output.lines([deleted ? "Signed out (deleted \(context.directory.tokenFile.path))." : "No token was saved."])
    }
}

/// `agnes auth whoami`.
struct WhoamiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show whose token is configured, and for which server.",
        discussion: """
            Reads the token's claims locally; --verify also asks the server.

            Examples:
              agnes auth whoami
              agnes auth whoami --verify --json
            """
    )

    @Flag(help: "Ask the server whether the token is valid.")
    var verify = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let context = try ClientContext()
        let token = try context.settings.requireToken()
        let claims = TokenClaims(token: token)
        var email = claims?.email ?? context.settings.email
        var admin: Bool?
        if verify {
            let caller = try await context.withAPI { api in try await api.verifyToken() }
            email = caller?.email ?? email
            admin = caller?.isAdmin
        }
        let expires = claims?.expiresAt.map { ISO8601DateFormatter().string(from: $0) }
        if json {
            var object: [String: JSONValue] = [
                "email": email.map(JSONValue.string) ?? .null, "server": .string(context.settings.server),
                "token_type": claims?.type.map(JSONValue.string) ?? .null,
                "expires_at": expires.map(JSONValue.string) ?? .null,
                "token_source": .string(context.settings.tokenSource?.rawValue ?? ""),
            ]
            if let admin { object["is_admin"] = .bool(admin) }
            try Output.json(JSONValue.object(object))
            return
        }
        var lines = [
            "Email:  \(email.flatMap { $0.isEmpty ? nil : $0 } ?? "(unknown)")", "Server: \(context.settings.server)",
        ]
        if let type = claims?.type { lines.append("Token:  \(type == "pat" ? "personal access token" : type)") }
        lines.append(
            "Expires: \(expires ?? "never")\(claims?.isExpired() == true ? " (EXPIRED: agnes auth login)" : "")")
        if let admin { lines.append("Admin:  \(admin ? "yes" : "no") (verified by the server)") }
        Output.lines(lines)
    }
}

/// `agnes auth import-token`.
struct ImportTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-token",
        abstract: "Save an existing token (e.g. a personal access token from the web UI) after checking it.",
        discussion: """
            Examples:
              agnes auth import-token --token-stdin --server https://agnes.example.com < token.txt
              agnes auth import-token --token "$PAT" --skip-verify
            """
    )

    @Option(help: "The token (prefer --token-stdin).")
    var token: String?

    @Flag(name: .customLong("token-stdin"), help: "Read the token from standard input.")
    var tokenFromStandardInput = false

    @Option(help: "The server (saved to config.yaml).")
    var server: String?

    @Option(help: "The email to save with the token (default: from the token or the server).")
    var email: String?

    @Flag(name: .customLong("skip-verify"), help: "Save without asking the server.")
    var skipVerify = false

    func validate() throws {
        guard (token != nil) != tokenFromStandardInput else {
            throw ValidationError("give the token with --token or --token-stdin (one of them)")
        }
    }

    func run() async throws {
        let value = try token ?? SecretInput.readLine(what: "token")
        let context = try ClientContext(server: server, token: value)
        var owner = email ?? TokenClaims(token: value)?.email
        if !skipVerify {
            let caller = try await context.withAPI { api in try await api.verifyToken() }
            owner = email ?? caller?.email ?? owner
        }
        if server != nil { try context.directory.saveServer(context.settings.server) }
        try context.directory.saveToken(StoredToken(accessToken: value, email: owner ?? ""))
        Output.lines([
            "Saved the token for \(owner ?? "(unknown)") on \(context.settings.server)\(skipVerify ? " (not verified)" : "")."
        ])
    }
}
