import AgnesClient
import DuckDB
import Foundation
import Testing

/// Corporate knowledge as a local table, searched offline, and contributing and voting from the CLI:
/// the real `agnes` binary against a real server.
@Suite(.serialized) struct CLIKnowledgeTests {
    /// Contributes an item through the API with `token`; returns its id.
    static func contribute(
        _ agnes: RealAgnes, token: String, title: String, content: String, tags: [String] = []
    ) async throws -> String {
        let answer = try await CLIMemoryTests.call(
            "POST", "\(agnes.base)/api/memory", token: token,
            body: ["title": title, "content": content, "category": "business_logic", "tags": tags])
        return try #require(answer["id"] as? String, "\(answer)")
    }

    /// Runs an admin governance action (`approve`, `mandate`, `revoke`, …) on `id`.
    static func govern(_ agnes: RealAgnes, _ action: String, _ id: String) async throws {
        _ = try await CLIMemoryTests.call(
            "POST", "\(agnes.base)/api/memory/admin/\(action)?item_id=\(id)", token: agnes.token, body: [:])
    }

    /// An analyst (not an admin) in the group `analysts`, signed in, with a personal access token.
    static func analyst(_ agnes: RealAgnes, root: TemporaryDirectory) async throws -> (cli: CLI, token: String) {
        for command in [
            ["admin", "add-user", "ana@example.com", "--name", "Ana"], ["admin", "group", "create", "analysts"],
            ["admin", "group", "create", "finance-team"],
            ["admin", "group", "add-member", "analysts", "ana@example.com"],
        ] {
            let result = try await agnes.admin.run(command)
            try #require(result.status == 0, "\(command): \(result.stderr)")
        }
        let password = try await agnes.admin.run(
            ["admin", "set-password", "ana@example.com", "--password-stdin"], stdin: "anapassword\n")
        try #require(password.status == 0, "\(password.stderr)")
        let ana = try CLI(root: root.path("ana"), server: agnes.base)
        let login = try await ana.run(
            ["auth", "login", "--email", "ana@example.com", "--password-stdin"], stdin: "anapassword\n")
        try #require(login.status == 0, "\(login.stderr)")
        let pat = try await ana.run(["auth", "token", "create", "--name", "laptop", "--raw"])
        try #require(pat.status == 0, "\(pat.stderr)")
        return (ana, pat.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func ids(_ result: CLI.Result) throws -> [String] {
        try #require(result.status == 0, "\(result.stderr)")
        let rows = try RealServerTests.json(result.stdout).items ?? []
        return rows.compactMap { $0["id"]?.string }
    }

    @Test func pullStoresExactlyTheVisibleKnowledgeAndSearchRanksIt() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        defer { Task { await agnes.stop() } }
        let (ana, anaToken) = try await Self.analyst(agnes, root: root)

        let vat = try await Self.contribute(
            agnes, token: agnes.token, title: "Revenue is net of VAT", content: "Always report it without the tax.",
            tags: ["finance"])
        try await Self.govern(agnes, "mandate", vat)
        let shipping = try await Self.contribute(
            agnes, token: agnes.token, title: "Orders ship from Prague",
            content: "Revenue is booked when an order ships.")
        try await Self.govern(agnes, "approve", shipping)
        let financeOnly = try await Self.contribute(
            agnes, token: agnes.token, title: "Revenue close calendar", content: "Finance closes revenue on day 3.")
        // Approve takes no audience (only mandate does, REFERENCE §1.12): the admin sets it by editing the item.
        try await Self.govern(agnes, "approve", financeOnly)
        _ = try await CLIMemoryTests.call(
            "PATCH", "\(agnes.base)/api/memory/admin/\(financeOnly)", token: agnes.token,
            body: ["audience": "group:finance-team"])
        _ = try await Self.contribute(
            agnes, token: agnes.token, title: "Revenue forecast draft", content: "Still under review.")
        let personal = try await Self.contribute(
            agnes, token: anaToken, title: "My revenue shortcut", content: "Only mine.")
        try await Self.govern(agnes, "approve", personal)
        _ = try await CLIMemoryTests.call(
            "POST", "\(agnes.base)/api/memory/\(personal)/personal", token: anaToken, body: ["is_personal": true])

        let initialised = try await ana.run(
            ["init", "--server-url", agnes.base, "--token-stdin"], stdin: anaToken + "\n")
        #expect(initialised.status == 0, "\(initialised.stderr)")
        #expect(initialised.stdout.contains("Knowledge: 2 items"), "\(initialised.stdout)")
        let table = try await ana.run(
            ["query", "SELECT id, title, status, typeof(tags) AS tags FROM knowledge", "--format", "json"])
        let rows = try RealServerTests.json(table.stdout).items ?? []
        #expect(Set(rows.compactMap { $0["id"]?.string }) == [vat, shipping], "\(rows) \(table.stderr)")
        #expect(rows.first { $0["id"]?.string == vat }?["status"] == .string("mandatory"))
        #expect(rows.allSatisfy { $0["tags"] == .string("VARCHAR[]") })

        // The title match first, the content-only match second; nothing for a word no item has.
        #expect(try Self.ids(try await ana.run(["memory", "search", "revenue", "--json"])) == [vat, shipping])
        #expect(try Self.ids(try await ana.run(["memory", "search", "zebra", "--json"])) == [])
        let readable = try await ana.run(["memory", "search", "revenue"], extra: ["COLUMNS": "200"])
        #expect(readable.status == 0 && readable.stdout.contains("Revenue is net of VAT"), "\(readable.stderr)")
        #expect(readable.stdout.contains("2 rows"))

        // Revoked on the server: gone from the table after the next pull.
        try await Self.govern(agnes, "revoke", shipping)
        let pulled = try await ana.run(["pull", "--json"])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(try RealServerTests.json(pulled.stdout)["knowledge_count"] == .int(1))
        #expect(try Self.ids(try await ana.run(["memory", "search", "revenue", "--json"])) == [vat])
    }

    @Test func theAnalystsOwnKnowledgeTableIsKeptAndSearchSaysWhy() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        defer { Task { await agnes.stop() } }
        let workspace = agnes.admin.workspace
        try FileManager.default.createDirectory(
            at: workspace.appendingPathComponent("user/duckdb"), withIntermediateDirectories: true)
        do {
            let connection = try Database(path: workspace.appendingPathComponent("user/duckdb/analytics.duckdb").path)
                .connect()
            try connection.execute("CREATE TABLE knowledge AS SELECT 'mine' AS note")
        }
        let pulled = try await agnes.admin.run(["pull"])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(pulled.stderr.contains("warning: knowledge: the local database has another table"), "\(pulled.stderr)")
        let mine = try await agnes.admin.run(["query", "SELECT note FROM knowledge", "--format", "csv"])
        #expect(mine.stdout == "note\r\nmine\n", "\(mine.stderr)")
        let search = try await agnes.admin.run(["memory", "search", "revenue"])
        #expect(search.status == 1)
        #expect(search.stderr.contains("is not agnes's corporate knowledge"), "\(search.stderr)")
        #expect(search.stderr.contains("hint: rename yours"))
    }

    @Test func searchWithoutAPulledTableSaysToPull() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let cli = try CLI(root: root.url, server: "http://127.0.0.1:9")
        let nothing = try await cli.run(["memory", "search", "revenue"])
        #expect(nothing.status == 1)
        #expect(
            nothing.stderr.contains("no local database") && nothing.stderr.contains("agnes pull"), "\(nothing.stderr)")
        let database = cli.workspace.appendingPathComponent("user/duckdb")
        try FileManager.default.createDirectory(at: database, withIntermediateDirectories: true)
        do {
            let connection = try Database(path: database.appendingPathComponent("analytics.duckdb").path).connect()
            try connection.execute("CREATE TABLE notes AS SELECT 1 AS x")
        }
        let noTable = try await cli.run(["memory", "search", "revenue"])
        #expect(noTable.status == 1)
        #expect(noTable.stderr.contains("no corporate knowledge"), "\(noTable.stderr)")
        #expect(noTable.stderr.contains("hint: run agnes pull"))
        let empty = try await cli.run(["memory", "search", "--", "..."])
        #expect(empty.status == 2 && empty.stderr.contains("no words"), "\(empty.stderr)")
    }

    @Test func addAndVoteThroughTheServer() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        defer { Task { await agnes.stop() } }
        let admin = agnes.admin

        let added = try await admin.run([
            "memory", "add", "--title", "Month-end close", "--content", "Books close on the third working day.",
            "--category", "workflow", "--domain", "finance", "--tag", "close", "--tag", "month-end", "--json",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let receipt = try RealServerTests.json(added.stdout)
        let id = try #require(receipt["id"]?.string)
        #expect(receipt["status"] == .string("pending"))
        let pending = try await CLIMemoryTests.call(
            "GET", "\(agnes.base)/api/memory?status_filter=pending", token: agnes.token)
        let stored = try #require((pending["items"] as? [[String: Any]])?.first { $0["id"] as? String == id })
        #expect(stored["domain"] as? String == "finance")
        #expect(Set(stored["tags"] as? [String] ?? []).isSuperset(of: ["close", "month-end"]))
        let readable = try await admin.run([
            "memory", "add", "--title", "Churn", "--content", "90 days.", "--category", "business_logic",
        ])
        #expect(readable.status == 0 && readable.stdout.contains("pending"), "\(readable.stderr)")

        for (direction, up, down) in [("up", 1, 0), ("down", 0, 1), ("retract", 0, 0)] {
            let vote = try await admin.run(["memory", "vote", id, direction, "--json"])
            #expect(vote.status == 0, "\(direction): \(vote.stderr)")
            #expect(
                try RealServerTests.json(vote.stdout)
                    == .object(["upvotes": .int(Int64(up)), "downvotes": .int(Int64(down))]))
        }
        let voted = try await admin.run(["memory", "vote", id, "up"])
        #expect(voted.stdout == "Voted up on \(id): 1 up, 0 down.\n", "\(voted.stderr)")

        let unknown = try await admin.run(["memory", "vote", "no-such-item", "up"])
        #expect(unknown.status == 8)
        #expect(unknown.stderr.contains("error: Knowledge item not found"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("hint: no item no-such-item that you may see"))
        let badDomain = try await admin.run([
            "memory", "add", "--title", "T", "--content", "C", "--category", "workflow", "--domain", "astrology",
        ])
        #expect(badDomain.status == 2)
        #expect(badDomain.stderr.contains("error: domain must be one of"), "\(badDomain.stderr)")
        #expect(badDomain.stderr.contains("hint: "))
        let signedOut = try await admin.run(
            ["memory", "vote", id, "up"],
            extra: ["AGNES_CONFIG_DIR": root.path("none").path, "AGNES_TOKEN": "garbage"])
        #expect(signedOut.status == 7)
        #expect(signedOut.stderr.contains("Invalid or expired token") && signedOut.stderr.contains("hint: "))
    }
}
