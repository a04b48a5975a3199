import AgnesCLI
import AgnesClient
import AgnesTestSupport
import DuckDB
import Foundation
import Testing

/// The analyst's workflow end to end: a real `agnes serve` on a free port with seeded CSV sources,
/// the CLI binary as a subprocess.
@Suite(.serialized) struct RealServerTests {
    /// A data directory with `sources/local/<name>.csv` files of `rows` rows each.
    static func seed(_ data: URL, _ tables: [String: Int], variant: Int = 0) throws {
        let local = data.appendingPathComponent("sources/local")
        try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
        let connection = try Database().connect()
        for (name, rows) in tables {
            let file = local.appendingPathComponent("\(name).csv").path
            try connection.execute(
                """
                COPY (SELECT i AS id, md5((i + \(variant))::VARCHAR) AS a, md5((i * 7 + \(variant))::VARCHAR) AS b
                FROM range(\(rows)) t(i)) TO '\(file)' (FORMAT csv, HEADER)
                """)
        }
    }

    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func fetched(_ report: JSONValue) -> [String] {
        guard case .array(let items)? = report["fetched"] else { return [] }
        return items.compactMap { $0["table"]?.string }.sorted()
    }

    /// An admin CLI signed in to `server`.
    static func admin(_ root: URL, _ server: ServerProcess) async throws -> CLI {
        let admin = try CLI(root: root.appendingPathComponent("admin"), server: server.base)
        let boot = try await admin.run(
            ["setup", "bootstrap", "root@example.com", "--password-stdin", "--server", server.base],
            stdin: "password123\n")
        #expect(boot.status == 0, "\(boot.stderr)")
        return admin
    }

    @Test func initPullQueryPushThenChangesRevocationsAndDamage() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let data = root.path("data")
        try Self.seed(data, ["orders": 100, "customers": 10, "secret": 5])
        var server = try await ServerProcess(dataDirectory: data)
        let admin = try await Self.admin(root.url, server)
        for command in [
            ["admin", "add-user", "ana@example.com", "--name", "Ana"], ["admin", "group", "create", "analysts"],
            ["admin", "group", "add-member", "analysts", "ana@example.com"],
            ["admin", "grant", "create", "analysts", "table", "orders"],
            ["admin", "grant", "create", "analysts", "table", "customers"],
            ["admin", "grant", "create", "analysts", "table", "secret"],
        ] {
            let result = try await admin.run(command)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        #expect(
            try await admin.run(
                ["admin", "set-password", "ana@example.com", "--password-stdin"], stdin: "anapassword\n"
            ).status == 0)
        let firstSync = try await admin.run(["setup", "first-sync"])
        #expect(firstSync.status == 0, "\(firstSync.stderr)")

        let ana = try CLI(root: root.path("ana"), server: server.base)
        #expect(
            try await ana.run(
                ["auth", "login", "--email", "ana@example.com", "--password-stdin"], stdin: "anapassword\n"
            ).status == 0)
        let pat = try await ana.run(["auth", "token", "create", "--name", "laptop", "--raw"])
        #expect(pat.status == 0, "\(pat.stderr)")

        let initialised = try await ana.run(["init", "--server-url", server.base, "--token-stdin"], stdin: pat.stdout)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        #expect(initialised.stdout.contains("Updated 3 tables (3 total)"))
        // CLAUDE.md comes from the server's /api/welcome, rendered for ana.
        let claude = try String(contentsOf: ana.workspace.appendingPathComponent("CLAUDE.md"), encoding: .utf8)
        #expect(claude.contains("## Tables you can read (3)") && claude.contains("ana@example.com"))
        #expect(!initialised.stderr.contains("built-in"), "\(initialised.stderr)")
        let local = try await ana.run(["query", "SELECT count(*) AS n FROM orders", "--format", "csv"])
        #expect(local.stdout == "n\r\n100\n", "\(local.stderr)")
        let remote = try await ana.run(["query", "--remote", "SELECT count(*) AS n FROM customers", "--format", "json"])
        #expect(try Self.json(remote.stdout) == .array([.object(["n": .int(10)])]), "\(remote.stderr)")
        let forbidden = try await ana.run(["query", "--remote", "SELECT * FROM nothing_here"])
        #expect(forbidden.status == 2 || forbidden.status == 8, "\(forbidden.stderr)")

        let projects = ana.home.appendingPathComponent(".claude/projects")
            .appendingPathComponent(ana.workspace.path.replacingOccurrences(of: "/", with: "-"))
        try FileManager.default.createDirectory(at: projects, withIntermediateDirectories: true)
        try Data("{\"type\":\"user\"}\n".utf8).write(to: projects.appendingPathComponent("s1.jsonl"))
        let pushed = try await ana.run(["push", "--json"])
        let receipt = try Self.json(pushed.stdout)
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(receipt["sessions"] == .array([.string("s1.jsonl")]))

        let second = try await ana.run(["pull", "--json"])
        let nothing = try Self.json(second.stdout)
        #expect(nothing["tables_updated"] == .int(0) && Self.fetched(nothing).isEmpty, "\(second.stdout)")

        let grants = try Self.json(
            try await admin.run(["admin", "grant", "list", "--group", "analysts", "--json"]).stdout)
        guard case .array(let rows) = grants,
            let secret = rows.first(where: { $0["resource_id"] == .string("secret") }),
            let grantID = secret["id"]?.string
        else { Issue.record("no grant for secret in \(grants)"); return }
        #expect(try await admin.run(["admin", "grant", "delete", grantID]).status == 0)
        let revoked = try Self.json(try await ana.run(["pull", "--json"]).stdout)
        #expect(revoked["removed"] == .array([.string("secret")]))
        #expect(
            !FileManager.default.fileExists(
                atPath: ana.workspace.appendingPathComponent("server/parquet/secret.parquet").path))
        let gone = try await ana.run(["query", "SELECT * FROM secret"])
        #expect(gone.status == 2 && gone.stderr.contains("secret"))

        let orders = ana.workspace.appendingPathComponent("server/parquet/orders.parquet")
        var bytes = try Data(contentsOf: orders)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: orders)
        let repaired = try Self.json(try await ana.run(["pull", "--json"]).stdout)
        #expect(Self.fetched(repaired) == ["orders"])
        #expect(repaired["fetched"]?[0]?["reason"] == .string("damaged"))

        await server.stop()
        try Self.seed(data, ["customers": 12], variant: 1)
        server = try await ServerProcess(dataDirectory: data)
        let changed = try await ana.run(["pull", "--json"], extra: ["AGNES_SERVER": server.base])
        let report = try Self.json(changed.stdout)
        #expect(Self.fetched(report) == ["customers"], "\(changed.stdout) \(changed.stderr)")
        let count = try await ana.run(["query", "SELECT count(*) FROM customers", "--format", "csv"])
        #expect(count.stdout.hasSuffix("\r\n12\n"))

        let wrong = try await ana.run(
            ["pull"],
            extra: ["AGNES_SERVER": server.base, "AGNES_CONFIG_DIR": root.path("none").path, "AGNES_TOKEN": "garbage"])
        #expect(wrong.status == 7 && wrong.stderr.contains("Invalid or expired token"))
        await server.stop()
    }

    @Test func aServerKilledMidDownloadKeepsTheOldFileAndTheNextPullResumes() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let data = root.path("data")
        try Self.seed(data, ["big": 1000])
        var server = try await ServerProcess(dataDirectory: data)
        let admin = try await Self.admin(root.url, server)
        #expect(try await admin.run(["pull"]).status == 0)
        let file = admin.workspace.appendingPathComponent("server/parquet/big.parquet")
        let part = file.path + ".part"
        let before = try Data(contentsOf: file)
        await server.stop()
        try Self.seed(data, ["big": 300_000], variant: 1)
        server = try await ServerProcess(dataDirectory: data)
        // The download goes through a proxy that lets 2 MiB of answers through and holds the rest, so
        // the cut always falls mid-file, however fast or loaded the machine is.
        let proxy = try StallingProxy(upstreamPort: server.port, budget: 2 << 20)
        let pull = try admin.spawn(["pull"], extra: ["AGNES_SERVER": "http://127.0.0.1:\(proxy.port)"])
        #expect(await proxy.stalled(), "the download never reached the proxy's budget")
        let deadline = ContinuousClock.now + .seconds(60)
        while pull.isRunning, (FileStamp.of(part)?.size ?? 0) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        await server.stop(kill: true)
        proxy.cut()
        pull.waitUntilExit()
        #expect(pull.terminationStatus == 1)
        #expect(try Data(contentsOf: file) == before, "the old file must stay until the new one is whole")
        let partial = FileStamp.of(part)?.size ?? 0
        #expect(partial > 0 && partial <= 2 << 20, "\(partial) bytes kept")
        server = try await ServerProcess(dataDirectory: data)

        let resumed = try await admin.run(["pull", "--json"], extra: ["AGNES_SERVER": server.base])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let report = try Self.json(resumed.stdout)
        #expect(Self.fetched(report) == ["big"])
        #expect(report["fetched"]?[0]?["resumed_from"] == .int(Int64(partial)), "\(report)")
        #expect(!FileManager.default.fileExists(atPath: part))
        let count = try await admin.run(["query", "SELECT count(*) FROM big", "--format", "csv"])
        #expect(count.stdout.hasSuffix("\r\n300000\n"))
        await server.stop()
    }
}
