import AgnesClient
import Foundation
import Testing

/// The CLI's auth and admin commands against a real `agnes serve`.
@Suite(.serialized) struct ServerAdminTests {
    @Test func bootstrapTokensUsersGroupsAndGrants() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let server = try await ServerProcess(dataDirectory: root.path("data"))
        defer { Task { await server.stop() } }
        let cli = try CLI(root: root.url, server: server.base)

        let boot = try await cli.run(
            ["setup", "bootstrap", "root@example.com", "--password-stdin", "--server", server.base],
            stdin: "password123\n")
        #expect(boot.status == 0, "\(boot.stderr)")
        let whoami = try await cli.run(["auth", "whoami", "--verify"])
        #expect(whoami.stdout.contains("root@example.com") && whoami.stdout.contains("Admin:  yes"))

        let created = try await cli.run(["auth", "token", "create", "--name", "laptop", "--raw"])
        #expect(created.status == 0, "\(created.stderr)")
        let pat = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let listed = try await cli.run(["auth", "token", "list", "--json"])
        let tokens = try JSONDecoder().decode(JSONValue.self, from: Data(listed.stdout.utf8))
        #expect(tokens.items?.compactMap { $0["name"]?.string } == ["laptop"], "\(listed.stdout)")

        let imported = try await cli.run(["auth", "import-token", "--token-stdin"], stdin: pat + "\n")
        #expect(imported.status == 0 && imported.stdout.contains("root@example.com"), "\(imported.stderr)")
        let patCannotMint = try await cli.run(["auth", "token", "create", "--name", "nested"])
        #expect(patCannotMint.status == 8 && patCannotMint.stderr.contains("run agnes auth login first"))

        #expect(try await cli.run(["admin", "add-user", "ana@example.com", "--name", "Ana"]).status == 0)
        let duplicate = try await cli.run(["admin", "add-user", "ana@example.com"])
        #expect(duplicate.status == 6)
        let users = try await cli.run(["admin", "list-users", "--json"])
        let listedUsers = try JSONDecoder().decode(JSONValue.self, from: Data(users.stdout.utf8))
        let emails = Set(listedUsers.items?.compactMap { $0["email"]?.string } ?? [])
        #expect(emails == ["root@example.com", "ana@example.com"], "\(users.stdout)")
        #expect(try await cli.run(["admin", "group", "create", "analysts"]).status == 0)
        #expect(try await cli.run(["admin", "group", "add-member", "analysts", "ana@example.com"]).status == 0)
        let members = try await cli.run(["admin", "group", "members", "analysts"])
        #expect(members.stdout.contains("ana@example.com"))
        let grant = try await cli.run(["admin", "grant", "create", "analysts", "table", "orders"])
        #expect(grant.status == 0, "\(grant.stderr)")
        let grants = try await cli.run(["admin", "grant", "list", "--group", "analysts", "--json"])
        let granted = try JSONDecoder().decode(JSONValue.self, from: Data(grants.stdout.utf8))
        #expect(granted.items?.compactMap { $0["resource_id"]?.string } == ["orders"], "\(grants.stdout)")
        let unknownGroup = try await cli.run(["admin", "group", "members", "nobody"])
        #expect(unknownGroup.status == 8 && unknownGroup.stderr.contains("no group nobody"))

        #expect(try await cli.run(["auth", "logout"]).status == 0)
        let wrong = try await cli.run(
            ["auth", "login", "--email", "root@example.com", "--password-stdin"], stdin: "not-the-password\n")
        #expect(wrong.status == 7 && wrong.stderr.contains("Invalid email or password"))
        let login = try await cli.run(
            ["auth", "login", "--email", "root@example.com", "--password-stdin"], stdin: "password123\n")
        #expect(login.status == 0 && login.stdout.contains("(admin)"), "\(login.stderr)")
        #expect(try await cli.run(["auth", "token", "revoke", "laptop"]).status == 0)
        let revoked = try await cli.run(
            ["auth", "whoami", "--verify"], extra: ["AGNES_CONFIG_DIR": root.path("empty").path, "AGNES_TOKEN": pat])
        #expect(revoked.status == 7 && revoked.stderr.contains("revoked"))
    }

    @Test func breakGlassWritesTheStoppedServersStore() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let data = root.path("data")
        let server = try await ServerProcess(dataDirectory: data)
        let cli = try CLI(root: root.url, server: server.base)
        let whileRunning = try await cli.run([
            "admin", "break-glass", "grant-admin", "bo@example.com", "--yes", "--data-dir", data.path,
        ])
        #expect(whileRunning.status == 3 && whileRunning.stderr.contains("in use by another process"))
        await server.stop()
        let granted = try await cli.run([
            "admin", "break-glass", "grant-admin", "bo@example.com", "--yes", "--data-dir", data.path,
        ])
        #expect(
            granted.status == 0 && granted.stdout.contains("bo@example.com is an admin (created the user)"),
            "\(granted.stderr)")
        let noStore = try await cli.run([
            "admin", "break-glass", "grant-admin", "bo@example.com", "--yes", "--data-dir", root.path("nothing").path,
        ])
        #expect(noStore.status == 1 && noStore.stderr.contains("no system store"))
    }
}
