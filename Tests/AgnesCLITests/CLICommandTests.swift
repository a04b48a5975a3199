import AgnesClient
import Foundation
import Testing

/// The reading, diagnosing and administrative commands of the binary, their output and exit codes,
/// against our real server (the fake one only for a 5xx and a server without catalog routes).
@Suite(.serialized) struct CLICommandTests {
    static let token = ["AGNES_TOKEN": "good-token"]

    @Test func pushReportsFailedUploadsAndExits1() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let fake = FakeAgnes()
        await fake.setUploadFailure(500)
        try await fake.run { base in
            let cli = try CLI(root: root.url, server: base)
            try FileManager.default.createDirectory(
                at: cli.workspace.appendingPathComponent("user/sessions"), withIntermediateDirectories: true)
            try Data("{}\n".utf8).write(to: cli.workspace.appendingPathComponent("user/sessions/s1.jsonl"))
            let push = try await cli.run(["push"], extra: Self.token)
            #expect(push.status == 1)
            #expect(push.stderr.contains("error: s1.jsonl: upload refused (HTTP 500 from POST /api/upload/sessions)"))
            let json = try await cli.run(["push", "--json"], extra: Self.token)
            let report = try JSONDecoder().decode(JSONValue.self, from: Data(json.stdout.utf8))
            #expect(report["errors"]?[0]?["code"] == .string("server_error"))
            await fake.setUploadFailure(nil)
            let retried = try await cli.run(["push"], extra: Self.token)
            #expect(retried.status == 0 && retried.stdout.contains("Uploaded 1 session."))
            #expect(await fake.uploads == ["s1.jsonl": Data("{}\n".utf8)], "the file part, exactly")
        }
    }

    @Test func diagnoseNamesStaleTablesAndABadTokenWithWhatToDo() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        var agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        let cli = try CLI(root: root.path("analyst"))
        var environment = ["AGNES_TOKEN": agnes.token, "AGNES_SERVER": agnes.base]
        #expect(try await cli.run(["pull"], extra: environment).status == 0)
        let healthy = try await cli.run(["diagnose"], extra: environment)
        #expect(healthy.status == 0, "\(healthy.stdout)")
        #expect(
            healthy.stdout.contains("[ok  ] token: valid for \(RealAgnes.email) (admin) (from environment)"),
            "\(healthy.stdout)")
        #expect(healthy.stdout.contains("1 tables to pull, 0 remote, all current"))
        try await agnes.reseed(["orders": 4], variant: 1)
        environment["AGNES_SERVER"] = agnes.base
        try FileManager.default.createDirectory(
            at: cli.workspace.appendingPathComponent("server/parquet"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: cli.workspace.appendingPathComponent("server/parquet/gone.parquet.part"))
        let stale = try await cli.run(["diagnose", "--json"], extra: environment)
        let report = try JSONDecoder().decode(JSONValue.self, from: Data(stale.stdout.utf8))
        #expect(report["overall"] == .string("warning"))
        let tables = try #require(report["checks"]?.items?.first { $0["name"] == .string("tables") }, "\(stale.stdout)")
        #expect(tables["status"] == .string("warning"))
        let detail = tables["detail"]?.string ?? ""
        #expect(detail.contains("stale: orders") && detail.contains("interrupted: gone"), "\(detail)")
        let bad = try await cli.run(["diagnose"], extra: ["AGNES_TOKEN": "wrong", "AGNES_SERVER": agnes.base])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("[FAIL] token: Invalid or expired token"), "\(bad.stdout)")
        #expect(bad.stdout.contains("→ the token is missing, invalid, expired or revoked"))
        await agnes.stop()
        let other = try CLI(root: root.path("other"), server: "http://127.0.0.1:9")
        let down = try await other.run(["diagnose"])
        #expect(down.status == 1 && down.stdout.contains("[FAIL] reachable: cannot reach the server"))
    }

    /// A server without the catalog routes (an older one: something ours cannot be made to be) gets
    /// its manifest listed instead; a failed fetch exits 5.
    @Test func withoutCatalogRoutesTheManifestIsListedAndAFetchErrorExits5() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let fake = FakeAgnes()
        try await fake.run { base in
            let cli = try CLI(root: root.url, server: base)
            await fake.set("orders", try Parquet.make(rows: 1))
            let catalog = try await cli.run(["catalog", "--json"], extra: Self.token)
            #expect(catalog.status == 0, "\(catalog.stderr)")
            let listed = try JSONDecoder().decode(JSONValue.self, from: Data(catalog.stdout.utf8))
            let entries = listed.items ?? listed["tables"]?.items
            #expect(entries?.compactMap { $0["id"]?.string } == ["orders"], "\(catalog.stdout)")
            let failed = try await cli.run(["catalog"], extra: ["AGNES_TOKEN": "wrong"])
            #expect(failed.status == 5 && failed.stderr.contains("HTTP 401"))
        }
    }

    @Test func tokensAreCheckedBeforeBeingSaved() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 1])
        let cli = try CLI(root: root.path("analyst"), server: agnes.base)
        let rejected = try await cli.run(["auth", "import-token", "--token-stdin"], stdin: "wrong\n")
        #expect(rejected.status == 7)
        #expect(!FileManager.default.fileExists(atPath: cli.configDirectory.appendingPathComponent("token.json").path))
        let noToken = try await cli.run(["auth", "whoami"])
        #expect(noToken.status == 1 && noToken.stderr.contains("no token configured"))
        let accepted = try await cli.run(["auth", "import-token", "--token-stdin"], stdin: agnes.token + "\n")
        #expect(accepted.status == 0 && accepted.stdout.contains(RealAgnes.email), "\(accepted.stderr)")
        let whoami = try await cli.run(["auth", "whoami", "--json"])
        let fields = try JSONDecoder().decode(JSONValue.self, from: Data(whoami.stdout.utf8))
        #expect(fields["email"] == .string(RealAgnes.email) && fields["token_source"] == .string("token_file"))
        #expect(try await cli.run(["auth", "logout"]).stdout.contains("Signed out"))
        await agnes.stop()
    }

    @Test func badQueriesAndRegistrationsAreRefusedWithExit2() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        let cli = try CLI(root: root.path("analyst"), server: agnes.base)
        let token = ["AGNES_TOKEN": agnes.token]
        #expect(try await cli.run(["pull"], extra: token).status == 0)
        let remote = try await cli.run(["query", "--remote", "SELECT boom"], extra: token)
        #expect(remote.status == 2, "\(remote.stderr)")
        #expect(
            remote.stderr.contains("boom") && remote.stderr.contains("(HTTP 400 from POST /api/query)"),
            "\(remote.stderr)")
        let local = try await cli.run(["query", "SELECT nope FROM orders"])
        #expect(local.status == 2 && local.stderr.contains("query failed"))
        let noSQL = try await cli.run(["query", "--stdin"], stdin: #"{"limit": 3}"#)
        #expect(noSQL.status == 2 && noSQL.stderr.contains("no \"sql\""))
        let plainText = try await cli.run(
            ["query", "--stdin", "--format", "csv"], stdin: "SELECT count(*) AS n FROM orders")
        #expect(plainText.stdout == "n\r\n3\n")
        let limit = try await cli.run(["query", "SELECT * FROM orders", "--limit", "0"])
        #expect(limit.status == 2)
        let explore = try await cli.run(["explore", "orders"])
        #expect(explore.status == 0 && explore.stdout.contains("orders: 3 rows, 3 columns"), "\(explore.stdout)")
        let status = try await cli.run(["status"])
        #expect(status.stdout.contains("Tables:      1"))
        await agnes.stop()
        let offline = try CLI(root: root.path("offline"))
        let materialized = try await offline.run(["admin", "register-table", "t", "--query-mode", "materialized"])
        #expect(materialized.status == 2 && materialized.stderr.contains("needs --query and --bucket"))
        let missingFile = try await offline.run(
            ["admin", "register-table", "t", "--query-mode", "materialized", "--bucket", "b", "--query", "@nope.sql"])
        #expect(missingFile.status == 2 && missingFile.stderr.contains("cannot read the SQL file nope.sql"))
        let badTTL = try await offline.run(["auth", "token", "create", "--name", "x", "--ttl", "forever"])
        #expect(badTTL.status == 2 && badTTL.stderr.contains("--ttl"))
    }
}
