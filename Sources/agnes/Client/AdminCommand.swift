import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes admin`.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Administer users, tables, column documentation, groups, grants and metrics (needs an admin token).",
        discussion: """
            Most subcommands call the server's admin API with your token. metrics import/export and \
            break-glass write the server's system store directly (the server must be stopped; pass its \
            data directory with --data-dir or DATA_DIR).

            Examples:
              agnes admin add-user ana@example.com --name Ana
              agnes admin group add-member analysts ana@example.com
              agnes admin grant create analysts table orders
            """,
        subcommands: [
            AddUser.self, ListUsers.self, RemoveUser.self, Deactivate.self, Activate.self, ResetPassword.self,
            SetPassword.self, SetRole.self, RegisterTableCommand.self, ListTablesCommand.self,
            MetadataShowCommand.self, MetadataApplyCommand.self, GroupCommand.self, GrantCommand.self,
            MetricsCommand.self, BreakGlassCommand.self,
        ]
    )

    static let userKeys = ["id", "email", "name", "role", "active"]

    struct AddUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-user", abstract: "Create a user (with no groups).",
            discussion:
                "Examples:\n  agnes admin add-user ana@example.com --name Ana\n  agnes admin add-user bo@example.com --invite"
        )
        @Argument(help: "The email.") var email: String
        @Option(help: "The display name.") var name: String?
        @Flag(help: "E-mail an invitation link.") var invite = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try ClientContext()
            let user = try await context.withAPI { api in
                try await api.createUser(email: email, name: name, sendInvite: invite)
            }
            if json { return try Output.json(user) }
            var lines = ["Created user \(email) (id \(user["id"]?.string ?? "?"))."]
            if let url = user["invite_url"]?.string { lines.append("Invite link: \(url)") }
            Output.lines(lines)
        }
    }

    struct ListUsers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-users", abstract: "List users.",
            discussion: "Examples:\n  agnes admin list-users\n  agnes admin list-users --json")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try ClientContext()
            let users = try await context.withAPI { api in try await api.users() }
            try Output.objects(users, keys: AdminCommand.userKeys, json: json, environment: context.environment)
        }
    }

    struct RemoveUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-user", abstract: "Delete a user and their memberships.",
            discussion: "Example:\n  agnes admin remove-user ana@example.com")
        @Argument(help: "The user's id or email.") var user: String

        func run() async throws {
            let context = try ClientContext()
            let email = try await context.withAPI { api in
                let found = try await api.findUser(user)
                try await api.deleteUser(id: found["id"]?.string ?? user)
                return found["email"]?.string ?? user
            }
            Output.lines(["Deleted user \(email)."])
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deactivate", abstract: "Deactivate a user (they can no longer sign in).",
            discussion: "Example:\n  agnes admin deactivate ana@example.com")
        @Argument(help: "The user's id or email.") var user: String

        func run() async throws { try await AdminCommand.setActive(user, false) }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "activate", abstract: "Activate a deactivated user.",
            discussion: "Example:\n  agnes admin activate ana@example.com")
        @Argument(help: "The user's id or email.") var user: String

        func run() async throws { try await AdminCommand.setActive(user, true) }
    }

    static func setActive(_ user: String, _ isActive: Bool) async throws {
        let context = try ClientContext()
        let email = try await context.withAPI { api in
            let found = try await api.findUser(user)
            _ = try await api.setUserActive(id: found["id"]?.string ?? user, isActive)
            return found["email"]?.string ?? user
        }
        Output.lines(["\(isActive ? "Activated" : "Deactivated") \(email)."])
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password", abstract: "Issue a password-reset link for a user.",
            discussion: "Example:\n  agnes admin reset-password ana@example.com")
        @Argument(help: "The user's id or email.") var user: String

        func run() async throws {
            let context = try ClientContext()
            let answer = try await context.withAPI { api in
                let found = try await api.findUser(user)
                return try await api.resetPassword(id: found["id"]?.string ?? user)
            }
            Output.lines([
                "Reset link: \(answer["reset_url"]?.string ?? "(none)")",
                "E-mailed: \(answer["email_sent"] == .bool(true) ? "yes" : "no")",
            ])
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password", abstract: "Set a user's password (prompted, or --password-stdin).",
            discussion: "Example:\n  agnes admin set-password ana@example.com")
        @Argument(help: "The user's id or email.") var user: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
        var passwordFromStandardInput = false

        func run() async throws {
            let password =
                try passwordFromStandardInput
                ? SecretInput.readLine(what: "password") : SecretInput.prompt("New password")
            guard password.count >= 8 else { throw ClientError(.usage, "the password must have at least 8 characters") }
            let context = try ClientContext()
            let email = try await context.withAPI { api in
                let found = try await api.findUser(user)
                try await api.setPassword(id: found["id"]?.string ?? user, password: password)
                return found["email"]?.string ?? user
            }
            Output.lines(["Set the password of \(email)."])
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-role", abstract: "Removed: roles are group memberships now.",
            discussion: "Example (what to do instead):\n  agnes admin group add-member Admin ana@example.com")
        @Argument(parsing: .allUnrecognized) var ignored: [String] = []

        func run() async throws {
            throw CommandFailure(
                cause: "set-role was removed: a user is an admin when they are a member of the Admin group",
                hint: "agnes admin group add-member Admin <email> (or remove-member to revoke)", exitCode: 2)
        }
    }
}
