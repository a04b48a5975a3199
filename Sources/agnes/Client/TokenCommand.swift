import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes auth token`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke personal access tokens.",
        discussion:
            "Examples:\n  agnes auth token create --name laptop --ttl 30d\n  agnes auth token list\n  agnes auth token revoke laptop",
        subcommands: [CreateToken.self, ListTokens.self, RevokeToken.self]
    )

    struct CreateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a personal access token (needs a session from agnes auth login).",
            discussion: """
                The token is shown once. --ttl takes days (90d), hours (12h) or never.

                Examples:
                  agnes auth token create --name laptop
                  agnes auth token create --name ci --ttl never --raw > ci-token.txt
                """
        )

        @Option(help: "A name for the token.")
        var name: String

        @Option(help: "Lifetime: <n>d, <n>h or never.")
        var ttl = "90d"

        @Flag(help: "Print only the token.")
        var raw = false

        func validate() throws {
            _ = try Self.days(ttl)
        }

        static func days(_ text: String) throws -> Int? {
            let value = text.lowercased()
            if value == "never" { return nil }
            if value.hasSuffix("d"), let days = Int(value.dropLast()), (1...3650).contains(days) { return days }
            if value.hasSuffix("h"), let hours = Int(value.dropLast()), (1...87600).contains(hours) {
                return max(1, (hours + 23) / 24)
            }
            throw ValidationError("--ttl must be <days>d (1–3650), <hours>h or never, not \(text)")
        }

        func run() async throws {
            let context = try ClientContext()
            let lifetime = try Self.days(ttl)
            let created: AccessTokenInfo
            do {
                created = try await context.withAPI { api in
                    try await api.createToken(name: name, lifetimeDays: lifetime)
                }
            } catch var error as ClientError where error.code == .forbidden {
                error.hint = "personal access tokens are created from a session: run agnes auth login first"
                throw error
            }
            guard let token = created.token else { throw ClientError(.invalidResponse, "the server returned no token") }
            if raw {
                StandardOutput.line(token)
            } else {
                Output.lines([
                    "Created token \(created.name) (prefix \(created.prefix), expires \(created.expiresAt ?? "never")).",
                    token,
                    "It is shown only now. Use it with: agnes auth import-token --token-stdin",
                ])
            }
        }
    }

    struct ListTokens: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List your personal access tokens.",
            discussion: "Examples:\n  agnes auth token list\n  agnes auth token list --json")

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let context = try ClientContext()
            let tokens = try await context.withAPI { api in try await api.tokens() }
            if json {
                try Output.json(tokens)
                return
            }
            let objects = tokens.map { token in
                JSONValue.object([
                    "id": .string(token.id), "prefix": .string(token.prefix), "name": .string(token.name),
                    "created_at": token.createdAt.map(JSONValue.string) ?? .null,
                    "expires_at": .string(token.expiresAt ?? "never"),
                    "last_used_at": token.lastUsedAt.map(JSONValue.string) ?? .null,
                    "status": .string(token.revokedAt == nil ? "active" : "revoked"),
                ])
            }
            try Output.objects(
                objects, keys: ["prefix", "name", "status", "created_at", "expires_at", "last_used_at"], json: false,
                environment: context.environment)
        }
    }

    struct RevokeToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Revoke one of your personal access tokens.",
            discussion: "Examples:\n  agnes auth token revoke laptop\n  agnes auth token revoke 3f2a9c1b")

        @Argument(help: "The token's id, prefix or name.")
        var token: String

        func run() async throws {
            let context = try ClientContext()
            let revoked = try await context.withAPI { api in
                let matches = try await api.tokens().filter {
                    $0.revokedAt == nil && ($0.id == token || $0.prefix == token || $0.name == token)
                }
                guard let match = matches.first else {
                    throw ClientError(
                        .notFound, "no active token \(token)", hint: "agnes auth token list shows your tokens")
                }
                guard matches.count == 1 else {
                    throw ClientError(
                        .usage, "\(matches.count) active tokens match \(token)", hint: "use the id or prefix")
                }
                try await api.revokeToken(id: match.id)
                return match
            }
            Output.lines(["Revoked \(revoked.name) (prefix \(revoked.prefix))."])
        }
    }
}
