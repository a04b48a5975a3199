import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite(.serialized) struct EndToEndTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-e2e-\(UUID().uuidString)")

    @Test func serveAnswersOverARealSocketAndStopsGracefullyOnSIGTERM() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let local = root.appendingPathComponent("sources/local")
        try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
        try Data("id,name\n1,a\n2,b\n".utf8).write(to: local.appendingPathComponent("things.csv"))
        let server = try AgnesProcess(["serve", "--port", "0", "--data-dir", root.path])
        let port = try #require(try await server.listeningPort(), "no listening line in: \(server.output)")
        #expect(server.output.contains("1 tables"))
        let health = try await HTTPGet.json("http://127.0.0.1:\(port)/api/health")
        #expect(health.status == 200)
        #expect(health.body["status"] as? String == "ok")
        #expect(health.headers["x-request-id"]?.count == 12)
        let missing = try await HTTPGet.json("http://127.0.0.1:\(port)/api/missing")
        #expect(missing.status == 404)
        #expect(missing.body["detail"] as? String == "Not Found")
        server.signal(SIGTERM)
        #expect(try await server.wait() == 0)
    }

    /// Sign-in over a real socket: bootstrap the first admin, mint a PAT, use it, hit the sign-in rate
    /// limit, and restart: the generated JWT secret persists, so the PAT still works.
    @Test func bootstrapPATAndRateLimitOverARealSocketSurviveARestart() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let first = try AgnesProcess(["serve", "--port", "0", "--data-dir", root.path])
        let port = try #require(try await first.listeningPort(), "no listening line in: \(first.output)")
        let base = "http://127.0.0.1:\(port)"
        let boot = try await HTTPCall.json(
            "POST", "\(base)/auth/bootstrap", body: ["email": "root@example.com", "password": "password123"])
        #expect(boot.status == 200)
        let session = try #require(boot.body["access_token"] as? String)
        let created = try await HTTPCall.json(
            "POST", "\(base)/auth/tokens", headers: ["Authorization": "Bearer \(session)"], body: ["name": "laptop"])
        #expect(created.status == 201)
        let pat = try #require(created.body["token"] as? String)
        let me = try await HTTPCall.json("GET", "\(base)/auth/me", headers: ["Authorization": "Bearer \(pat)"])
        #expect(me.body["credential"] as? String == "pat" && me.body["is_admin"] as? Bool == true)
        var statuses: [Int] = []
        for _ in 0..<11 {
            let attempt = try await HTTPCall.json(
                "POST", "\(base)/auth/token", body: ["email": "root@example.com", "password": "wrong-password"])
            statuses.append(attempt.status)
            if attempt.status == 429 { #expect(attempt.headers["retry-after"] != nil) }
        }
        #expect(statuses == Array(repeating: 401, count: 10) + [429])
        first.signal(SIGTERM)
        #expect(try await first.wait() == 0)

        let second = try AgnesProcess(["serve", "--port", "0", "--data-dir", root.path])
        let secondPort = try #require(try await second.listeningPort(), "no listening line in: \(second.output)")
        let again = try await HTTPCall.json(
            "GET", "http://127.0.0.1:\(secondPort)/auth/me", headers: ["Authorization": "Bearer \(pat)"])
        #expect(again.status == 200)
        #expect(again.body["email"] as? String == "root@example.com")
        second.signal(SIGTERM)
        #expect(try await second.wait() == 0)
    }

    /// kill -9 while a sync run works (its connector stuck reading a FIFO that nothing writes): the
    /// table keeps serving its previous data during the run, the restart records the run as
    /// interrupted, and the start-up run takes the work up.
    @Test func killDashNineMidSyncRunIsRecordedAndTheNextRunTakesTheWorkUp() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let local = root.appendingPathComponent("sources/local")
        try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
        let slow = local.appendingPathComponent("slow.csv")
        try Data("id\n1\n".utf8).write(to: slow)
        try Data("id,name\n1,a\n".utf8).write(to: local.appendingPathComponent("things.csv"))
        let first = try AgnesProcess(["serve", "--port", "0", "--data-dir", root.path])
        let port = try #require(try await first.listeningPort(), "no listening line in: \(first.output)")
        let base = "http://127.0.0.1:\(port)"
        let boot = try await HTTPCall.json(
            "POST", "\(base)/auth/bootstrap", body: ["email": "root@example.com", "password": "password123"])
        let token = try #require(boot.body["access_token"] as? String)
        let auth = ["Authorization": "Bearer \(token)"]
        func hashes(_ base: String) async throws -> [String: String] {
            let manifest = try await HTTPCall.json("GET", "\(base)/api/sync/manifest", headers: auth)
            let tables = manifest.body["tables"] as? [String: [String: Any]] ?? [:]
            return tables.compactMapValues { $0["hash"] as? String }
        }
        let before = try await hashes(base)
        #expect(before.keys.sorted() == ["slow", "things"])
        try FileManager.default.removeItem(at: slow)
        #expect(mkfifo(slow.path, 0o644) == 0)
        let trigger = try await HTTPCall.json("POST", "\(base)/api/sync/trigger", headers: auth, body: ["slow"])
        let runID = try #require(trigger.body["run_id"] as? String)
        var status = ""
        for _ in 0..<600 where status != "running" {
            status = try await HTTPCall.json("GET", "\(base)/api/sync/runs/\(runID)", headers: auth).body["status"]
                as? String ?? ""
            if status != "running" { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(status == "running")
        #expect(try await hashes(base) == before, "during the run every table serves its previous data")
        first.signal(SIGKILL)
        _ = try await first.wait()

        try FileManager.default.removeItem(at: slow)
        try Data("id\n1\n2\n3\n".utf8).write(to: slow)
        let second = try AgnesProcess(["serve", "--port", "0", "--data-dir", root.path])
        let secondPort = try #require(try await second.listeningPort(), "no listening line in: \(second.output)")
        let again = "http://127.0.0.1:\(secondPort)"
        let run = try await HTTPCall.json("GET", "\(again)/api/sync/runs/\(runID)", headers: auth)
        #expect(run.body["status"] as? String == "interrupted")
        #expect((run.body["error"] as? String)?.contains("kept its previous data") == true)
        let after = try await hashes(again)
        #expect(after["things"] == before["things"])
        #expect(after["slow"] != nil && after["slow"] != before["slow"], "the start-up run synced the new file")
        let runs = try await HTTPCall.json("GET", "\(again)/api/sync/runs?limit=1", headers: auth)
        let latest = (runs.body["runs"] as? [[String: Any]])?.first
        #expect(latest?["trigger"] as? String == "startup" && latest?["status"] as? String == "succeeded")
        second.signal(SIGTERM)
        #expect(try await second.wait() == 0)
    }

    /// `agnes scheduler --url` drives the jobs of a server whose own clock is off, with the
    /// scheduler token; what it started is not due again; a wrong token stops it with exit 7.
    @Test func anExternalSchedulerDrivesTheJobsOverHTTP() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try Data("scheduler:\n  enabled: false\n".utf8).write(to: config.appendingPathComponent("instance.yaml"))
        let secret = String(repeating: "s", count: 40)
        let server = try AgnesProcess(
            ["serve", "--port", "0", "--data-dir", root.path],
            environment: ["CONFIG_DIR": config.path, "SCHEDULER_API_TOKEN": secret])
        let port = try #require(try await server.listeningPort(), "no listening line in: \(server.output)")
        let base = "http://127.0.0.1:\(port)"
        let auth = ["Authorization": "Bearer \(secret)"]
        let listed = try await HTTPCall.json("GET", "\(base)/api/admin/scheduler/jobs", headers: auth)
        #expect(listed.body["driver"] as? String == "external")
        let environment = ["SCHEDULER_API_TOKEN": secret, "AGNES_CONFIG_DIR": root.appendingPathComponent("cli").path]
        let first = try AgnesProcess(["scheduler", "--url", base, "--once"], environment: environment)
        #expect(try await first.wait() == 0, "\(first.output)")
        #expect(first.output.contains("started data-refresh, health-check"), "\(first.output)")
        let second = try AgnesProcess(["scheduler", "--url", base, "--once"], environment: environment)
        #expect(try await second.wait() == 0)
        #expect(second.output.contains("nothing due"), "\(second.output)")
        let jobs = try await HTTPCall.json("GET", "\(base)/api/admin/scheduler/jobs", headers: auth)
        let refresh = (jobs.body["jobs"] as? [[String: Any]])?.first { $0["name"] as? String == "data-refresh" }
        #expect(refresh?["last_run_at"] is String && refresh?["due"] as? Bool == false)
        let wrong = try AgnesProcess(
            ["scheduler", "--url", base, "--once"],
            environment: ["SCHEDULER_API_TOKEN": String(repeating: "x", count: 40), "AGNES_CONFIG_DIR": root.path])
        #expect(try await wrong.wait() == 7, "\(wrong.output)")
        server.signal(SIGTERM)
        #expect(try await server.wait() == 0)
    }

    @Test func badConfigurationFailsWithTheFileAndKey() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try Data("remote_query:\n  timeout_seconds: abc\n".utf8).write(
            to: config.appendingPathComponent("instance.yaml"))
        let server = try AgnesProcess(
            ["serve", "--port", "0", "--data-dir", root.path], environment: ["CONFIG_DIR": config.path])
        #expect(try await server.wait() == 2)
        #expect(server.output.contains("remote_query.timeout_seconds"))
        #expect(server.output.contains("hint:"))
    }

    /// Kill -9 at random points of a rebuild: the next start always serves a complete generation,
    /// the previous one or the new one, never a mix.
    @Test func killDashNineDuringRebuildLeavesAServableGeneration() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let layout = DataLayout(root: root)
        try Self.writeSources(layout: layout, sources: 30, tables: 20, variant: 0)
        let first = try AgnesProcess(["rebuild", "--data-dir", root.path])
        #expect(try await first.wait(timeout: .seconds(120)) == 0, "\(first.output)")
        let before = try Self.views(layout)
        #expect(before.count == 600)
        try Self.writeSources(layout: layout, sources: 30, tables: 21, variant: 1)
        var killedMidway = 0
        for delay in [150, 300, 450, 600, 800, 1000] {
            let rebuild = try AgnesProcess(["rebuild", "--data-dir", root.path])
            try await Task.sleep(for: .milliseconds(delay))
            if rebuild.process.isRunning { killedMidway += 1 }
            rebuild.signal(SIGKILL)
            _ = try await rebuild.wait()
            let views = try Self.views(layout)
            #expect(views == before || views.count == 630, "after kill at \(delay) ms: \(views.count) views")
        }
        #expect(killedMidway > 0)
        let last = try AgnesProcess(["rebuild", "--data-dir", root.path])
        #expect(try await last.wait(timeout: .seconds(120)) == 0, "\(last.output)")
        #expect(try Self.views(layout).count == 630)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: layout.analyticsDirectory.path)
        #expect(leftovers == ["server.duckdb"])
    }

    static func writeSources(layout: DataLayout, sources: Int, tables: Int, variant: Int) throws {
        let connection = try Database().connect()
        for source in 0..<sources {
            let writer = ExtractWriter(sourceDirectory: layout.sourceDirectory(Identifier("s\(source)")!))
            var entries: [ExtractTable] = []
            for table in 0..<tables {
                let name = Identifier("s\(source)_t\(table)")!
                let published = try Publisher().publish(to: writer.dataFile(for: name)) { temporary in
                    try connection.execute(
                        "COPY (SELECT range AS id, \(variant) AS v FROM range(10)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet)"
                    )
                }
                entries.append(ExtractTable(name: name, rows: 10, file: published))
            }
            try writer.write(tables: entries)
        }
    }

    /// The views of the analytics file as a fresh process would see them.
    static func views(_ layout: DataLayout) throws -> Set<String> {
        let database = try Database(path: layout.analyticsFile.path, options: ["access_mode": "READ_ONLY"])
        let connection = try database.connect()
        return Set(
            try connection.query("SELECT view_name FROM duckdb_views() WHERE NOT internal").rows.compactMap {
                $0[0].string
            })
    }
}
