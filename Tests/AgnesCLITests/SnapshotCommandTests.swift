import AgnesCLI
import AgnesClient
import AgnesTestSupport
import Crypto
import DuckDB
import Foundation
import Testing

/// `agnes snapshot` end to end: a real `agnes serve --demo`, the CLI binary as a subprocess, the Arrow
/// stream of `/api/v2/scan` turned into parquet and a view in the workspace database.
@Suite(.serialized) struct SnapshotCommandTests {
    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func createQueryRefreshPruneAndDropAgainstTheDemoServer() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let server = try await ServerProcess(
            dataDirectory: root.path("data"), arguments: ["--demo", "--demo-scale", "0.02"],
            environment: ["SEED_ADMIN_EMAIL": "admin@example.com", "SEED_ADMIN_PASSWORD": "password123"])
        defer { Task { await server.stop() } }
        let cli = try CLI(root: root.url, server: server.base)
        let login = try await cli.run(
            ["auth", "login", "--email", "admin@example.com", "--password-stdin"], stdin: "password123\n")
        #expect(login.status == 0, "\(login.stderr)")

        // Without a workspace database there is nothing to put the view in: a hint to pull first.
        let early = try await cli.run(["snapshot", "create", "orders", "--as", "open_orders"])
        #expect(early.status == 1 && early.stderr.contains("Run: agnes pull"), "\(early.stderr)")
        // --estimate needs no workspace: it asks the server and stops.
        let estimate = try await cli.run(["snapshot", "create", "orders", "--where", "status = 'shipped'", "--estimate"])
        #expect(estimate.status == 0 && estimate.stdout.hasPrefix("Estimate: scan "), "\(estimate.stderr)")

        let pull = try await cli.run(["pull", "--quiet"], timeout: .seconds(300))
        #expect(pull.status == 0, "\(pull.stderr)")
        // What a killed snapshot left behind is swept by the next one (under the lock).
        let snapshots = cli.workspace.appendingPathComponent("user/snapshots")
        try FileManager.default.createDirectory(at: snapshots, withIntermediateDirectories: true)
        let stale = snapshots.appendingPathComponent(".shipped.99999.arrows")
        try Data("partial".utf8).write(to: stale)
        let create = try await cli.run([
            "snapshot", "create", "orders", "--select", "order_id,status,unit_price", "--where", "status = 'shipped'",
            "--order-by", "order_id DESC", "--limit", "500", "--as", "shipped",
        ])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(create.stdout.contains("Estimate: scan ") && create.stdout.contains("Snapshot shipped: 500 rows"))
        #expect(!FileManager.default.fileExists(atPath: stale.path))

        // The view reads the snapshot: the rows the server selected, in its types.
        let query = try await cli.run([
            "query", "--format", "json",
            "SELECT count(*) AS n, min(status) AS lo, max(status) AS hi, max(order_id) AS top, typeof(any_value(unit_price)) AS t FROM shipped",
        ])
        #expect(query.status == 0, "\(query.stderr)")
        let row = try Self.json(query.stdout)
        guard case .array(let rows) = row, let first = rows.first else {
            Issue.record("no rows: \(query.stdout)")
            return
        }
        #expect(first["n"] == .int(500) && first["lo"]?.string == "shipped" && first["hi"]?.string == "shipped")
        #expect(first["t"]?.string == "DECIMAL(10,2)")
        let top = try await cli.run([
            "query", "--format", "csv", "SELECT max(order_id) FROM orders WHERE status = 'shipped'",
        ])
        #expect(top.stdout.split(whereSeparator: \.isNewline).last.map(String.init) == first["top"]?.description)

        // The meta file records what was asked, and the parquet's prefix hash.
        let metaURL = cli.workspace.appendingPathComponent("user/snapshots/shipped.meta.json")
        let meta = try JSONDecoder().decode(SnapshotMeta.self, from: Data(contentsOf: metaURL))
        #expect(meta.tableID == "orders" && meta.select == ["order_id", "status", "unit_price"])
        #expect(meta.predicate == "status = 'shipped'" && meta.limit == 500 && meta.orderBy == ["order_id DESC"])
        #expect(meta.rows == 500 && (meta.estimatedScanBytesAtFetch ?? 0) > 0)
        let parquet = try Data(contentsOf: cli.workspace.appendingPathComponent("user/snapshots/shipped.parquet"))
        #expect(parquet.count < 1 << 20 && meta.bytesLocal == Int64(parquet.count))
        #expect(meta.resultHashMD5 == Insecure.MD5.hash(data: parquet).map { String(format: "%02x", $0) }.joined())

        // The same name again is "already exists" (6) unless --force.
        let again = try await cli.run(["snapshot", "create", "orders", "--as", "shipped", "--no-estimate"])
        #expect(again.status == 6 && again.stderr.contains("--force"), "\(again.stderr)")
        // A name that is a pulled table's view is refused, and the table's view is left alone.
        let clash = try await cli.run(["snapshot", "create", "customers", "--no-estimate"])
        #expect(clash.status == 6 && clash.stderr.contains("--as NAME"), "\(clash.stderr)")

        // Refresh keeps the recorded columns and limit, with a new predicate.
        let refresh = try await cli.run(["snapshot", "refresh", "shipped", "--where", "status = 'cancelled'"])
        #expect(refresh.status == 0, "\(refresh.stderr)")
        let refreshed = try await cli.run(["query", "--format", "csv", "SELECT DISTINCT status FROM shipped"])
        #expect(refreshed.stdout.contains("cancelled") && !refreshed.stdout.contains("shipped"))

        // A pull leaves the snapshot's view alone.
        #expect(try await cli.run(["pull", "--quiet"], timeout: .seconds(300)).status == 0)
        #expect(try await cli.run(["query", "SELECT count(*) FROM shipped"]).status == 0)

        let list = try await cli.run(["snapshot", "list", "--json"])
        let listed = try Self.json(list.stdout)
        #expect(listed == .array([try Self.json(String(decoding: try Data(contentsOf: metaURL), as: UTF8.self))]))
        let disk = try Self.json(try await cli.run(["disk-info", "--json"]).stdout)
        #expect(disk["snapshot_count"] == .int(1))

        let dry = try await cli.run(["snapshot", "prune", "--larger-than", "1", "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("Would delete 1 snapshot"))
        #expect(FileManager.default.fileExists(atPath: metaURL.path))
        let keep = try await cli.run(["snapshot", "prune", "--older-than", "7d"])
        #expect(keep.stdout.contains("Deleted 0 snapshots"))
        let drop = try await cli.run(["snapshot", "drop", "shipped"])
        #expect(drop.status == 0)
        #expect(!FileManager.default.fileExists(atPath: metaURL.path))
        let gone = try await cli.run(["query", "SELECT count(*) FROM shipped"])
        #expect(gone.status != 0)
        #expect(try await cli.run(["snapshot", "drop", "shipped"]).status == 8)
    }

    @Test func badInputAndServerRefusalsGetTheReferenceExitCodes() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let data = root.path("data")
        try RealServerTests.seed(data, ["orders": 50, "secret": 5])
        let server = try await ServerProcess(dataDirectory: data)
        defer { Task { await server.stop() } }
        let admin = try await RealServerTests.admin(root.url, server)
        for command in [
            ["admin", "add-user", "ana@example.com"], ["admin", "group", "create", "analysts"],
            ["admin", "group", "add-member", "analysts", "ana@example.com"],
        ] {
            #expect(try await admin.run(command).status == 0, "\(command)")
        }
        let stranger = try CLI(root: root.url.appendingPathComponent("stranger"), server: server.base)
        // A token the server does not accept: 7.
        let refused = try await stranger.run(
            ["snapshot", "create", "orders", "--estimate"], extra: ["AGNES_TOKEN": "not-a-token"])
        #expect(refused.status == 7, "\(refused.stderr)")
        // A server that does not answer: 7.
        let unreachable = try await stranger.run(
            ["snapshot", "create", "orders", "--estimate"],
            extra: ["AGNES_TOKEN": "x", "AGNES_SERVER": "http://127.0.0.1:9"])
        #expect(unreachable.status == 7, "\(unreachable.stderr)")

        #expect(try await admin.run(["pull", "--quiet"]).status == 0)
        let cases: [([String], Int32, String)] = [
            (["snapshot", "create", "orders", "--where", "nope = 1", "--as", "x"], 2, "unknown_column"),
            (["snapshot", "create", "orders", "--where", "1=1; DROP TABLE x", "--as", "x"], 2, "HTTP 400"),
            (["snapshot", "create", "nope", "--as", "x"], 8, "not found"),
            (["snapshot", "create", "orders", "--as", "1x"], 2, "not a valid snapshot name"),
            (["snapshot", "create", "orders", "--limit", "0"], 2, "--limit"),
            (["snapshot", "create", "orders", "--estimate", "--no-estimate"], 2, "exclude"),
            (["snapshot", "refresh", "missing"], 8, "no snapshot named missing"),
            (["snapshot", "prune"], 2, "--older-than"),
            (["snapshot", "prune", "--older-than", "soon"], 2, "30m"),
            (["snapshot", "prune", "--larger-than", "big"], 2, "500m"),
            (["snapshot", "prune", "--larger-than", "1e19g"], 2, "500m"),
        ]
        for (arguments, status, text) in cases {
            let result = try await admin.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(text), "\(arguments): \(result.stderr)")
        }
        // Nothing was left behind by the refusals.
        let names = (try? FileManager.default.contentsOfDirectory(
            atPath: admin.workspace.appendingPathComponent("user/snapshots").path)) ?? []
        #expect(names.filter { $0 != ".lock" }.isEmpty, "\(names)")
    }
}
