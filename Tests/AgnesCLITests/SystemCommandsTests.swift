import AgnesCLI
import AgnesClient
import Foundation
import Testing

/// `agnes diagnose system`, `agnes setup verify`, `agnes skills`, `agnes admin metadata-show|apply` and
/// `agnes catalog --refresh`: the binary against our real server (the fake one only to see which
/// requests were made and with which headers).
@Suite(.serialized) struct SystemCommandsTests {
    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func check(_ report: JSONValue, _ name: String) -> JSONValue? {
        report["checks"]?.items?.first { $0["name"] == .string(name) }
    }

    /// ana@example.com, not an admin, in group analysts with a grant on `table`, signed in on her own CLI.
    static func analyst(_ agnes: RealAgnes, table: String) async throws -> CLI {
        for command in [
            ["admin", "add-user", "ana@example.com", "--name", "Ana"], ["admin", "group", "create", "analysts"],
            ["admin", "group", "add-member", "analysts", "ana@example.com"],
            ["admin", "grant", "create", "analysts", "table", table],
        ] {
            let result = try await agnes.admin.run(command)
            try #require(result.status == 0, "\(command): \(result.stderr)")
        }
        let password = try await agnes.admin.run(
            ["admin", "set-password", "ana@example.com", "--password-stdin"], stdin: "anapassword\n")
        try #require(password.status == 0, "\(password.stderr)")
        let ana = try CLI(root: agnes.root.path("ana"), server: agnes.base)
        let login = try await ana.run(
            ["auth", "login", "--email", "ana@example.com", "--password-stdin"], stdin: "anapassword\n")
        try #require(login.status == 0, "\(login.stderr)")
        return ana
    }

    @Test func diagnoseSystemChecksTheMachineAndTheServerAndLocalSkipsTheServer() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        let cli = try CLI(root: root.path("analyst"))
        let initialised = try await cli.run(["init", "--server-url", agnes.base, "--token-stdin"], stdin: agnes.token)
        #expect(initialised.status == 0, "\(initialised.stderr)")

        let json = try await cli.run(["diagnose", "system", "--json"])
        #expect(json.status == 0, "\(json.stdout) \(json.stderr)")
        let report = try Self.json(json.stdout)
        #expect(report["local"] == .bool(false) && report["overall"] != .string("fail"), "\(json.stdout)")
        #expect(
            report["checks"]?.items?.compactMap { $0["name"]?.string } == [
                "cli", "config", "server", "versions", "token", "server health", "workspace", "database", "tables",
                "snapshots", "disk",
            ])
        for name in ["cli", "config", "server", "versions", "token", "workspace", "database", "tables"] {
            #expect(Self.check(report, name)?["status"] == .string("ok"), "\(name): \(json.stdout)")
        }
        #expect(Self.check(report, "token")?["detail"]?.string?.contains("the server accepts it, admin") == true)
        let facts = try #require(report["facts"])
        #expect(facts["views"] == .int(1) && facts["parquet_files"] == .int(1), "\(facts)")
        #expect(facts["token_email"] == .string(RealAgnes.email) && facts["token_type"] == .string("pat"))
        #expect(facts["server_version"] == facts["cli_version"] && facts["server"] == .string(agnes.base))

        let text = try await cli.run(["diagnose", "system"])
        #expect(text.status == 0 && text.stdout.contains("[ok  ] server: \(agnes.base) (from config file) answers"))
        #expect(text.stdout.contains("[ok  ] database: ") && text.stdout.contains(": 1 view"), "\(text.stdout)")
        let plain = try await cli.run(["diagnose"])
        #expect(plain.status == 0 && plain.stdout.contains("[ok  ] token: valid for \(RealAgnes.email)"))

        await agnes.stop()
        let down = try await cli.run(["diagnose", "system"])
        #expect(down.status == 1, "\(down.stdout)")
        #expect(down.stdout.contains("[FAIL] server: \(agnes.base) (from config file): cannot reach the server"))
        #expect(!down.stdout.contains("server health"), "not asked of a server that does not answer")
        let local = try await cli.run(["diagnose", "system", "--local"])
        #expect(local.status == 0, "\(local.stdout)")
        #expect(local.stdout.contains("not contacted: --local") && local.stdout.contains("(local checks only)"))
    }

    @Test func diagnoseSystemLocalMakesNoRequestAndFailsAnExpiredToken() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let fake = FakeAgnes()
        try await fake.run { base in
            let cli = try CLI(root: root.url, server: base)
            let expired = try SystemDiagnosisTests.jwt([
                "email": .string("ana@example.com"), "typ": .string("session"), "exp": .int(1_000_000_000),
            ])
            let result = try await cli.run(
                ["diagnose", "system", "--local", "--json"], extra: ["AGNES_TOKEN": expired])
            #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
            let report = try Self.json(result.stdout)
            #expect(report["local"] == .bool(true) && report["overall"] == .string("fail"))
            #expect(Self.check(report, "token")?["status"] == .string("fail"))
            #expect(Self.check(report, "token")?["detail"]?.string?.contains("expired at 2001-09-09T01:46:40Z") == true)
            let valid = try SystemDiagnosisTests.jwt(["typ": .string("pat")])
            let ok = try await cli.run(["diagnose", "system", "--local"], extra: ["AGNES_TOKEN": valid])
            #expect(ok.status == 0 && ok.stdout.contains("[ok  ] token: personal access token (from environment)"))
            let requests = await fake.requests
            #expect(requests.isEmpty, "--local asked the server: \(requests)")
            let online = try await cli.run(["diagnose", "system"], extra: ["AGNES_TOKEN": valid])
            #expect(online.status == 1 && online.stdout.contains("[FAIL] server: \(base) (from environment)"))
            #expect(await fake.requests.contains("GET /api/health"))
        }
    }

    @Test func setupVerifyChecksTheServerEndToEnd() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        let verified = try await agnes.admin.run(["setup", "verify"])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        #expect(verified.stdout.hasPrefix("Verifying \(agnes.base)\n"))
        for name in ["health", "manifest", "users", "login page", "docs"] {
            #expect(verified.stdout.contains("[ok  ] \(name): "), "\(name): \(verified.stdout)")
        }
        #expect(
            verified.stdout.contains("[ok  ] manifest: 1 table") && verified.stdout.contains("[ok  ] users: 1 user"))
        #expect(verified.stdout.contains("[ok  ] login page: GET /login: 200, text/html"), "\(verified.stdout)")
        let json = try await agnes.admin.run(["setup", "verify", "--json"])
        let report = try Self.json(json.stdout)
        #expect(report["checks"]?.items?.compactMap { $0["name"]?.string } == ServerVerification.names)
        #expect(report["checks"]?.items?.allSatisfy { $0["status"] != .string("fail") } == true, "\(json.stdout)")
        #expect(report["server"] == .string(agnes.base))

        let anonymous = try CLI(root: root.path("anonymous"), server: agnes.base)
        let noToken = try await anonymous.run(["setup", "verify"])
        #expect(noToken.status == 1)
        #expect(noToken.stdout.contains("[FAIL] manifest: not checked: no token configured"), "\(noToken.stdout)")
        #expect(noToken.stdout.contains("[ok  ] health: ok") && noToken.stdout.contains("[ok  ] docs: "))

        await agnes.stop()
        let down = try await agnes.admin.run(["setup", "verify"])
        #expect(down.status == 1)
        #expect(down.stdout.contains("[FAIL] health: cannot reach the server at \(agnes.base)"), "\(down.stdout)")
        #expect(down.stdout.contains("[FAIL] users: not checked: the server did not answer"))
    }

    @Test func skillsListAndShowTheBundledGuides() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let cli = try CLI(root: root.url)
        let list = try await cli.run(["skills", "list"])
        #expect(list.status == 0)
        for skill in BundledSkill.all { #expect(list.stdout.contains("\(skill.name)  "), "\(skill.name)") }
        #expect(try await cli.run(["skills"]).stdout == list.stdout, "list is the default")
        let json = try Self.json(try await cli.run(["skills", "list", "--json"]).stdout)
        #expect(json.items?.compactMap { $0["name"]?.string } == BundledSkill.all.map(\.name))
        #expect(json[0]?["summary"] == .string(BundledSkill.all[0].summary))
        let show = try await cli.run(["skills", "show", "Troubleshoot"])
        #expect(show.status == 0 && show.stdout == BundledSkill.named("troubleshoot")!.body + "\n")
        let unknown = try await cli.run(["skills", "show", "nope"])
        #expect(unknown.status == 2 && unknown.stdout.isEmpty)
        #expect(unknown.stderr.hasPrefix("error: no bundled guide named nope\n"), "\(unknown.stderr)")
        #expect(
            unknown.stderr.contains("hint: the guides are: \(BundledSkill.all.map(\.name).joined(separator: ", "))"))
    }

    @Test func metadataShowAndApplyGoThroughTheAPIWithADryRunFirst() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        let admin = agnes.admin
        func write(_ name: String, _ text: String) throws -> String {
            let url = root.path(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        func shown() async throws -> [String: JSONValue] {
            let answer = try Self.json(try await admin.run(["admin", "metadata-show", "orders", "--json"]).stdout)
            var columns: [String: JSONValue] = [:]
            for column in answer["columns"]?.items ?? [] { columns[column["column_name"]?.string ?? ""] = column }
            return columns
        }
        let empty = try await admin.run(["admin", "metadata-show", "orders"])
        #expect(empty.status == 0 && empty.stdout.contains("orders: no column documentation yet"), "\(empty.stderr)")

        let first = try write(
            "first.json",
            #"{"table_id": "orders", "columns": [{"column_name": "id", "basetype": "INTEGER","#
                + #" "description": "Order number", "confidence": "high"}, {"column_name": "a", "description": "A hash"}]}"#
        )
        let dry = try await admin.run(["admin", "metadata-apply", first, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("orders: 2 to add, 0 to change, 0 unchanged"), "\(dry.stdout)")
        #expect(dry.stdout.contains(#"  + id: basetype "INTEGER"; description "Order number"; confidence "high""#))
        #expect(dry.stdout.hasSuffix("Dry run: nothing was saved.\n"))
        #expect(try await shown().isEmpty, "a dry run saves nothing")
        let applied = try await admin.run(["admin", "metadata-apply", first])
        #expect(applied.stdout == "orders: saved 2 columns (2 added, 0 changed, 0 unchanged).\n", "\(applied.stderr)")
        var columns = try await shown()
        #expect(columns["id"]?["basetype"] == .string("INTEGER") && columns["id"]?["confidence"] == .string("high"))
        #expect(columns["a"]?["description"] == .string("A hash") && columns["a"]?["confidence"] == .string("manual"))
        let table = try await admin.run(["admin", "metadata-show", "orders"])
        #expect(table.stdout.hasPrefix("orders: 2 documented columns\n") && table.stdout.contains("Order number"))

        // The original's shape; what it leaves out (id's basetype and confidence) stays.
        let second = try write(
            "second.json", #"{"tables": {"orders": {"columns": {"id": {"description": "The order"}, "a": {}}}}}"#)
        let diff = try await admin.run(["admin", "metadata-apply", second, "--dry-run"])
        #expect(diff.stdout.contains(#"  ~ id: description "Order number" → "The order""#), "\(diff.stdout)")
        #expect(diff.stdout.contains("  = a\n"))
        let changed = try await admin.run(["admin", "metadata-apply", second])
        #expect(changed.stdout == "orders: saved 1 column (0 added, 1 changed, 1 unchanged).\n", "\(changed.stderr)")
        columns = try await shown()
        #expect(
            columns["id"]?["description"] == .string("The order") && columns["id"]?["basetype"] == .string("INTEGER"))
        #expect(columns["id"]?["confidence"] == .string("high"))
        let again = try await admin.run(["admin", "metadata-apply", second])
        #expect(again.stdout == "orders: nothing to change (2 unchanged).\n")
        let typo = try write("typo.json", #"[{"table_id": "orders", "columns": [{"column_name": "idd"}]}]"#)
        let warned = try await admin.run(["admin", "metadata-apply", typo, "--dry-run"])
        #expect(warned.status == 0 && warned.stderr.contains("warning: orders has no column idd"), "\(warned.stderr)")

        let unknownTable = try await admin.run(["admin", "metadata-show", "nope"])
        #expect(unknownTable.status == 8 && unknownTable.stderr.contains("HTTP 404"), "\(unknownTable.stderr)")
        let badJSON = try write("bad.json", "{ nope")
        let bad = try await admin.run(["admin", "metadata-apply", badJSON])
        #expect(bad.status == 2 && bad.stderr.hasPrefix("error: \(badJSON) is not valid JSON"), "\(bad.stderr)")
        let noName = try write("noname.json", #"{"table_id": "orders", "columns": [{"description": "x"}]}"#)
        let missing = try await admin.run(["admin", "metadata-apply", noName])
        #expect(missing.status == 2 && missing.stderr.contains(#"\#(noName): columns[0]: missing "column_name""#))
        #expect(missing.stderr.contains("hint: expected {\"table_id\""))
        let unknownKey = try write(
            "key.json", #"{"table_id": "orders", "columns": [{"column_name": "id", "desc": ""}]}"#)
        let refused = try await admin.run(["admin", "metadata-apply", unknownKey])
        #expect(refused.status == 2 && refused.stderr.contains(#"columns[0]: unknown key "desc""#), "\(refused.stderr)")
        let push = try await admin.run(["admin", "metadata-apply", first, "--push-to-source"])
        #expect(push.status == 2 && push.stderr.contains("--push-to-source is not available yet"), "\(push.stderr)")
        #expect(try await shown()["id"]?["description"] == .string("The order"), "refused files change nothing")

        // The real server marks the catalog no-store; --refresh is accepted and answers.
        let refreshed = try await admin.run(["catalog", "--refresh", "--json"])
        #expect(refreshed.status == 0 && refreshed.stdout.contains("\"orders\""), "\(refreshed.stderr)")
        await agnes.stop()
    }

    @Test func aNonAdminMayReadColumnDocumentationButNotApplyItAndVerifySaysNeedsAdmin() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let agnes = try await RealAgnes.start(in: root, tables: ["orders": 3])
        let ana = try await Self.analyst(agnes, table: "orders")
        let proposal = root.path("p.json")
        try Data(#"{"table_id": "orders", "columns": [{"column_name": "id", "description": "x"}]}"#.utf8)
            .write(to: proposal)
        let shown = try await ana.run(["admin", "metadata-show", "orders"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let dry = try await ana.run(["admin", "metadata-apply", proposal.path, "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("orders: 1 to add"), "reading is enough for a dry run")
        let refused = try await ana.run(["admin", "metadata-apply", proposal.path])
        #expect(refused.status == 8, "\(refused.stderr)")
        #expect(refused.stderr.contains("(HTTP 403 from POST /api/admin/metadata/orders)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("hint: "))

        let verified = try await ana.run(["setup", "verify"])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("[warn] users: needs admin ("), "\(verified.stdout)")
        #expect(verified.stdout.contains("→ run agnes setup verify with an admin's token to check this"))
        #expect(verified.stdout.contains("[ok  ] manifest: 1 table"))
        await agnes.stop()
    }

    @Test func catalogRefreshAsksCachesOnTheWayForFreshData() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let fake = FakeAgnes()
        await fake.setServesCatalog(true)
        await fake.set("orders", try Parquet.make(rows: 1))
        try await fake.run { base in
            let cli = try CLI(root: root.url, server: base)
            let plain = try await cli.run(["catalog"], extra: ["AGNES_TOKEN": "good-token"])
            #expect(plain.status == 0 && plain.stdout.contains("orders"), "\(plain.stderr)")
            let refreshed = try await cli.run(["catalog", "--refresh"], extra: ["AGNES_TOKEN": "good-token"])
            #expect(refreshed.status == 0, "\(refreshed.stderr)")
            #expect(await fake.log == ["catalog cache-control=none", "catalog cache-control=no-cache"])
        }
    }
}
