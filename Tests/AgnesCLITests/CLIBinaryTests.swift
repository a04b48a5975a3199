import AgnesClient
import AgnesFakes
import Foundation
import Testing

/// The `agnes` binary as a subprocess against our real server (a fake one only for a 5xx): what
/// analysts type, with its output and exit codes.
@Suite(.serialized) struct CLIBinaryTests {
    @Test func initPullQueryAndPushWork() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 100])
        let base = agnes.base
        let cli = try CLI(root: root.path("analyst"))
        let initialised = try await cli.run(["init", "--server-url", base, "--token-stdin"], stdin: agnes.token + "\n")
        #expect(initialised.status == 0, "\(initialised.stderr)")
        #expect(initialised.stdout.contains("as \(RealAgnes.email)"))
        #expect(initialised.stdout.contains("Updated 1 table (1 total)"))
        for file in [
            "CLAUDE.md", "AGNES_WORKSPACE.md", ".claude/settings.json", ".claude/CLAUDE.local.md",
            "server/parquet/orders.parquet", "user/duckdb/analytics.duckdb",
        ] {
            #expect(FileManager.default.fileExists(atPath: cli.workspace.appendingPathComponent(file).path), "\(file)")
        }
        for absent in ["user/sessions", "user/snapshots", ".claude/rules", ".agnes", "data"] {
            #expect(
                !FileManager.default.fileExists(atPath: cli.workspace.appendingPathComponent(absent).path), "\(absent)")
        }
        let token = cli.configDirectory.appendingPathComponent("token.json").path
        let mode = try FileManager.default.attributesOfItem(atPath: token)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let again = try await cli.run(["pull", "--json"])
        #expect(again.status == 0)
        let report = try JSONDecoder().decode(JSONValue.self, from: Data(again.stdout.utf8))
        #expect(report["tables_updated"] == .int(0) && report["parquets_total"] == .int(1))

        let local = try await cli.run(["query", "SELECT count(*) AS n FROM orders", "--format", "json"])
        #expect(local.status == 0, "\(local.stderr)")
        #expect(
            try JSONDecoder().decode(JSONValue.self, from: Data(local.stdout.utf8))
                == .array([.object(["n": .int(100)])]))
        let table = try await cli.run(["query", "--sql", "SELECT id, a FROM orders ORDER BY id LIMIT 2"])
        #expect(table.stdout.contains("│ bigint │ varchar ") && table.stdout.contains("2 rows"), "\(table.stdout)")
        let remote = try await cli.run(
            ["query", "--remote", "--stdin", "--format", "csv"], stdin: #"{"sql":"SELECT 42 AS answer, 'x' AS name"}"#)
        #expect(remote.status == 0 && remote.stdout == "answer,name\r\n42,x\n", "\(remote.stderr)")

        let projects = cli.home.appendingPathComponent(".claude/projects")
            .appendingPathComponent(cli.workspace.path.replacingOccurrences(of: "/", with: "-"))
        try FileManager.default.createDirectory(at: projects, withIntermediateDirectories: true)
        try Data("{\"type\":\"user\"}\n".utf8).write(to: projects.appendingPathComponent("s1.jsonl"))
        let pushed = try await cli.run(["push"])
        #expect(
            pushed.status == 0 && pushed.stdout.contains("Uploaded 1 session and CLAUDE.local.md."), "\(pushed.stderr)")
        // What the server stored: the transcript under the caller's id, the notes under a hash of the email.
        let sessions = agnes.data.appendingPathComponent("user_sessions")
        let owners = try FileManager.default.contentsOfDirectory(atPath: sessions.path)
        #expect(owners.count == 1)
        let stored = try owners.flatMap {
            try FileManager.default.contentsOfDirectory(atPath: sessions.appendingPathComponent($0).path)
        }
        #expect(stored == ["s1.jsonl"])
        let notesDirectory = agnes.data.appendingPathComponent("user_local_md")
        let notes = try FileManager.default.contentsOfDirectory(atPath: notesDirectory.path).map {
            try String(contentsOf: notesDirectory.appendingPathComponent($0), encoding: .utf8)
        }
        #expect(notes.count == 1 && notes[0].contains("# My Notes"))
        let unchanged = try await cli.run(["push", "--dry-run", "--json"])
        let dry = try JSONDecoder().decode(JSONValue.self, from: Data(unchanged.stdout.utf8))
        #expect(dry["summary"]?["sessions_count"] == .int(0) && dry["dry_run"] == .bool(true))

        let status = try await cli.run(["status", "--json"])
        let fields = try JSONDecoder().decode(JSONValue.self, from: Data(status.stdout.utf8))
        #expect(fields["parquet_tables"] == .int(1) && fields["initialized"] == .bool(true))

        let repeated = try await cli.run(["init", "--server-url", base, "--token-stdin"], stdin: agnes.token + "\n")
        #expect(repeated.status == 1 && repeated.stderr.contains("already an Agnes workspace"))
        #expect(repeated.stderr.contains("hint: run agnes pull"))
        await agnes.stop()
    }

    /// Our CLI's registry commands against our server: precheck, register (the table syncs at once),
    /// a duplicate, a bad schedule, and the list.
    @Test func adminRegisterAndListTablesWorkAgainstOurServer() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        try Data("code,name\nCZ,Czechia\n".utf8).write(
            to: agnes.data.appendingPathComponent("sources/local/regions.csv"))
        let admin = agnes.admin
        let check = try await admin.run(["admin", "register-table", "regions", "--source-type", "local", "--dry-run"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("Check passed for regions."), "\(check.stdout)")
        let registered = try await admin.run(
            ["admin", "register-table", "regions", "--source-type", "local", "--sync-schedule", "every 1h"])
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(registered.stdout.contains("Registered regions (registered)."), "\(registered.stdout)")
        let again = try await admin.run(["admin", "register-table", "regions", "--source-type", "local"])
        #expect(again.status == 6)
        #expect(again.stderr.contains("Already exists"), "\(again.stderr)")
        let bad = try await admin.run(["admin", "register-table", "later", "--sync-schedule", "hourly"])
        #expect(bad.status == 2, "\(bad.stderr)")
        #expect(bad.stderr.contains("sync_schedule: invalid schedule 'hourly'"), "\(bad.stderr)")
        let unsplit = try await admin.run(["admin", "register-table", "cities", "--partition-by", "day"])
        #expect(unsplit.status == 2, "\(unsplit.stderr)")
        #expect(
            unsplit.stderr.contains("partition_by: only partitioned tables have a partition column"),
            "\(unsplit.stderr)")
        let partitioned = try await admin.run(
            [
                "admin", "register-table", "visits", "--source-type", "local", "--sync-strategy", "partitioned",
                "--primary-key", "id, day", "--partition-by", "day",
            ])
        #expect(partitioned.status == 0, "\(partitioned.stderr)")
        let list = try await admin.run(["admin", "list-tables", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(
            list.stdout.contains("\"partition_by\" : \"day\"") || list.stdout.contains("\"partition_by\":\"day\""),
            "\(list.stdout)")
        #expect(list.stdout.contains("\"regions\"") && list.stdout.contains("\"orders\""), "\(list.stdout)")
        #expect(list.stdout.contains("every 1h"))
        await agnes.stop()
    }

    @Test func aWrongTokenIsRefusedWithExitCode7AndAHint() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 1])
        let cli = try CLI(root: root.path("analyst"), server: agnes.base)
        let initialised = try await cli.run(["init", "--server-url", agnes.base, "--token-stdin"], stdin: "wrong\n")
        #expect(initialised.status == 7)
        #expect(initialised.stderr.contains("refused the token"), "\(initialised.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.configDirectory.appendingPathComponent("token.json").path))
        let pull = try await cli.run(["pull"], extra: ["AGNES_TOKEN": "wrong"])
        #expect(pull.status == 7)
        #expect(
            pull.stderr.hasPrefix("error: Invalid or expired token (HTTP 401 from GET /api/sync/manifest)"),
            "\(pull.stderr)")
        #expect(pull.stderr.contains("hint: "))
        await agnes.stop()
    }

    @Test func noServerNoTokenAndBadInputEachHaveTheirExitCode() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let cli = try CLI(root: root.url, server: "http://127.0.0.1:9")
        let noToken = try await cli.run(["pull"])
        #expect(noToken.status == 1 && noToken.stderr.contains("no token configured"))
        let unreachable = try await cli.run(["pull"], extra: ["AGNES_TOKEN": "x"])
        #expect(unreachable.status == 7 && unreachable.stderr.contains("cannot reach the server at http://127.0.0.1:9"))
        let twoSources = try await cli.run(["query", "SELECT 1", "--sql", "SELECT 2"])
        #expect(twoSources.status == 2 && twoSources.stderr.contains("exactly once"))
        let noDatabase = try await cli.run(["query", "SELECT 1"])
        #expect(noDatabase.status == 1 && noDatabase.stderr.contains("Run: agnes pull"))
        let badURL = try await cli.run(["pull"], extra: ["AGNES_SERVER": "ftp://x", "AGNES_TOKEN": "x"])
        #expect(badURL.status == 2 && badURL.stderr.contains("not a server URL"))
        let removed = try await cli.run(["admin", "set-role", "x", "admin"])
        #expect(removed.status == 2 && removed.stderr.contains("Admin group"))
        for scale in ["0", "1.5", "-0.5"] {
            let badScale = try await cli.run(["serve", "--demo", "--demo-scale=\(scale)", "--port", "0"])
            #expect(
                badScale.status == 2 && badScale.stderr.contains("--demo-scale must be"), "\(scale): \(badScale.stderr)"
            )
        }
    }

    @Test func aFailedTableMakesPullExit1AndNameIt() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let fake = FakeAgnes()
        await fake.set("good", try Parquet.make(rows: 2))
        await fake.set("bad", try Parquet.make(rows: 2))
        for _ in 0..<4 { await fake.fail("bad", .status(500)) }
        try await fake.run { base in
            let cli = try CLI(root: root.url, server: base)
            let pull = try await cli.run(["pull"], extra: ["AGNES_TOKEN": "good-token", "AGNES_STREAM_RETRIES": "0"])
            #expect(pull.status == 1)
            #expect(pull.stdout.contains("Updated 1 table (2 total)"))
            #expect(pull.stderr.contains("error: pull failed for 1 table: bad"))
            #expect(!pull.stdout.contains("done"))
        }
    }

    @Test func aFullDiskFailsClearlyAndLeavesThePreviousFile() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        var agnes = try await RealAgnes.start(in: root, tables: ["orders": 10])
        let cli = try CLI(root: root.path("analyst"))
        let environment = ["AGNES_TOKEN": agnes.token, "AGNES_SERVER": agnes.base]
        #expect(try await cli.run(["pull"], extra: environment).status == 0)
        let file = cli.workspace.appendingPathComponent("server/parquet/orders.parquet")
        let small = try Data(contentsOf: file)
        try await agnes.reseed(["orders": 300_000], variant: 1)
        // A 1 MB file-size limit: writes past it fail with EFBIG, as on a full disk.
        let pull = try await cli.run(
            ["pull"], extra: ["AGNES_TOKEN": agnes.token, "AGNES_SERVER": agnes.base], shellPrefix: "ulimit -f 2048")
        #expect(pull.status == 1, "\(pull.stderr)")
        #expect(pull.stderr.contains("no space left"), "\(pull.stderr)")
        #expect(pull.stderr.contains("hint: free some disk space"))
        #expect(try Data(contentsOf: file) == small)
        #expect(!FileManager.default.fileExists(atPath: file.path + ".part"))
        await agnes.stop()
    }

    @Test func everyCommandHasHelpWithAnExample() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let cli = try CLI(root: root.url)
        let commands: [[String]] = [
            ["init"], ["pull"], ["push"], ["query"], ["catalog"], ["schema"], ["describe"], ["explore"], ["status"],
            ["diagnose"], ["disk-info"], ["auth", "login"], ["auth", "logout"], ["auth", "whoami"],
            ["auth", "import-token"], ["auth", "token", "create"], ["auth", "token", "list"],
            ["auth", "token", "revoke"],
            ["admin", "add-user"], ["admin", "list-users"], ["admin", "register-table"], ["admin", "list-tables"],
            ["admin", "group", "list"], ["admin", "group", "add-member"], ["admin", "grant", "create"],
            ["admin", "metrics", "import"], ["admin", "break-glass", "grant-admin"], ["setup", "bootstrap"],
            ["setup", "first-sync"], ["auth"], ["auth", "token"], ["admin"], ["admin", "set-role"], ["admin", "group"],
            ["admin", "grant"], ["admin", "metrics"], ["admin", "break-glass"], ["setup"], ["diagnose", "system"],
            ["setup", "verify"], ["skills"], ["skills", "list"], ["skills", "show"], ["admin", "metadata-show"],
            ["admin", "metadata-apply"], ["memory"], ["memory", "search"], ["memory", "add"], ["memory", "vote"],
        ]
        for command in commands {
            let help = try await cli.run(command + ["--help"])
            #expect(help.status == 0, "\(command)")
            #expect(help.stdout.contains("Example"), "\(command) has no example")
            #expect(Self.raggedLines(help.stdout).isEmpty, "\(command): prose broken mid-paragraph")
        }
    }

    /// Lines of a help text that end a wrapped line far too early inside a paragraph: the sign of prose
    /// hard-wrapped in the source and wrapped again by the parser (a short line between a long line and
    /// more prose).
    static func raggedLines(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines.indices.dropFirst().dropLast().filter { index in
            let (previous, line, next) = (lines[index - 1], lines[index], lines[index + 1])
            return previous.count > 70 && !line.isEmpty && line.count < 45 && !next.isEmpty && !next.hasPrefix(" ")
                && !line.hasPrefix(" ")
        }.map { lines[$0] }
    }
}

/// `agnes query --register-bq`: BigQuery results (from the fake, with the analyst's own service-account
/// key) joined with the pulled tables locally.
@Suite(.serialized) struct CLIBigQueryTests {
    @Test func registeredBigQueryResultsJoinTheLocalTables() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 100])
        let bigquery = await FakeBigQuery.start(projectID: "acme-data")
        defer { Task { await bigquery.stop() } }
        bigquery.putTable(
            project: "acme-data", dataset: "web", table: "visits",
            fields: [FakeBigQueryField("id", .int64), FakeBigQueryField("visits", .int64)],
            rows: [[1, 10], [2, 20], [500, 7]])
        let key = root.path("key.json")
        try bigquery.serviceAccountKeyJSON().write(to: key, atomically: true, encoding: .utf8)
        let cli = try CLI(root: root.path("analyst"))
        let initialised = try await cli.run(
            ["init", "--server-url", agnes.base, "--token-stdin"], stdin: agnes.token + "\n")
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let google = [
            "BIGQUERY_PROJECT": "acme-data", "GOOGLE_APPLICATION_CREDENTIALS": key.path,
            "BIGQUERY_API_BASE_URL": bigquery.apiBaseURL,
        ]
        let joined = try await cli.run(
            [
                "query", "--format", "json", "--register-bq",
                "v=SELECT id, visits FROM `acme-data.web.visits` WHERE visits > 5",
                "SELECT o.id, v.visits FROM orders o JOIN v USING (id) ORDER BY o.id",
            ], extra: google)
        #expect(joined.status == 0, "\(joined.stderr)")
        #expect(
            try JSONDecoder().decode(JSONValue.self, from: Data(joined.stdout.utf8))
                == .array([
                    .object(["id": .int(1), "visits": .int(10)]), .object(["id": .int(2), "visits": .int(20)]),
                ]),
            "\(joined.stdout)")
        #expect(bigquery.jobs.last?.projectID == "acme-data")

        let stdin = try await cli.run(
            ["query", "--stdin", "--format", "csv"],
            stdin: #"{"sql": "SELECT count(*) AS n FROM v", "register_bq": {"v": "SELECT 1 AS one"}}"#, extra: google)
        #expect(stdin.status == 0 && stdin.stdout == "n\r\n1\n", "\(stdin.stderr)")

        let noProject = try await cli.run(["query", "--register-bq", "v=SELECT 1", "SELECT * FROM v"])
        #expect(noProject.status != 0 && noProject.stderr.contains("BIGQUERY_PROJECT"))
        let badAlias = try await cli.run(["query", "--register-bq", "1v=SELECT 1", "SELECT 1"], extra: google)
        #expect(badAlias.status == 2 && badAlias.stderr.contains("not a table name"))
        let noEquals = try await cli.run(["query", "--register-bq", "SELECT 1", "SELECT 1"], extra: google)
        #expect(noEquals.status == 2 && noEquals.stderr.contains("alias=SQL"))
        let badSQL = try await cli.run(["query", "--register-bq", "v=SELEC 1", "SELECT * FROM v"], extra: google)
        #expect(badSQL.status != 0 && badSQL.stderr.contains("BQ 'v': bq_bad_request"), "\(badSQL.stderr)")
    }
}
