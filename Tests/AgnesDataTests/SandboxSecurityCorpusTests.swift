import DuckDB
import Foundation
import Synchronization
import Testing

@testable import AgnesData

/// Every bypass of `spec/SECURITY.md` against the query sandbox: a caller who may read `orders` and
/// `customers` tries to reach `payroll` (a table of the same source, in the same directory), a file
/// outside every table, the system, the network, the configuration and the machine's resources.
/// Each vector must fail, or (for catalog listings) answer without naming or showing anything the
/// caller may not read.
@Suite struct SandboxSecurityCorpusTests {
    /// Vectors that must be refused outright.
    static func refused(_ f: SandboxFixture) -> [String] {
        let payroll = f.file("payroll")
        let orders = f.file("orders")
        let outside = f.outside.path
        let dataDirectory = URL(fileURLWithPath: f.files["orders"]!.path).deletingLastPathComponent().path
        let versions = URL(fileURLWithPath: orders).deletingLastPathComponent().path
        let root = f.data.root.path
        return [
            // Replacement scans: no function name at all.
            "SELECT * FROM '\(payroll)'",
            "SELECT * FROM '\(outside)'",
            "FROM '\(outside)'",
            "SELECT * FROM \"\(outside)\"",
            "SELECT * FROM '\(dataDirectory)/*.parquet'",
            "SELECT * FROM '\(versions)/*.parquet'",
            "SELECT * FROM '/etc/passwd'",
            "SELECT * FROM (FROM '\(outside)')",
            "SELECT * FROM '\(orders)/../\(URL(fileURLWithPath: payroll).lastPathComponent)'",
            // Tables the caller may not read, by every spelling.
            "SELECT * FROM payroll",
            "SELECT * FROM \"payroll\"",
            "SELECT * FROM main.payroll",
            "SELECT * FROM memory.main.payroll",
            "SELECT * FROM sales.payroll",
            "SELECT * FROM sales.main.payroll",
            "SELECT * FROM orders UNION ALL SELECT secret, answer, NULL, NULL, NULL FROM payroll",
            "SELECT * FROM orders WHERE order_id IN (SELECT answer FROM payroll)",
            "DESCRIBE payroll",
            "SUMMARIZE payroll",
            "SELECT * FROM pragma_table_info('payroll')",
            // Dynamic SQL.
            "SELECT * FROM query('SELECT * FROM ' || 'payroll')",
            "SELECT * FROM query_table('payroll')",
            "SELECT * FROM query_table(['payroll'])",
            "SELECT * FROM \"query\"('select * from payroll')",
            "SELECT * FROM query('SELECT * FROM read_text(''\(outside)'')')",
            "SELECT * FROM query('SELECT * FROM ''' || '\(outside)' || '''')",
            // File readers.
            "SELECT * FROM read_text('\(outside)')",
            "SELECT * FROM read_blob('\(outside)')",
            "SELECT * FROM read_csv('/etc/passwd', sep = ':')",
            "SELECT * FROM read_csv_auto('\(outside)')",
            "SELECT * FROM read_json('\(outside)')",
            "SELECT * FROM read_json_auto('\(outside)')",
            "SELECT * FROM read_ndjson('\(outside)')",
            "SELECT * FROM read_parquet('\(payroll)')",
            "SELECT * FROM read_parquet(['\(orders)', '\(payroll)'])",
            "SELECT * FROM parquet_scan('\(payroll)')",
            "SELECT * FROM read_parquet('\(versions)/*.parquet')",
            "SELECT * FROM parquet_metadata('\(payroll)')",
            "SELECT * FROM parquet_schema('\(payroll)')",
            "SELECT * FROM parquet_kv_metadata('\(payroll)')",
            "SELECT * FROM parquet_file_metadata('\(payroll)')",
            "SELECT * FROM glob('\(root)/*')",
            "SELECT * FROM glob('*')",
            "SELECT * FROM sniff_csv('\(outside)')",
            "SELECT * FROM read_text('~/.bashrc')",
            "SELECT * FROM read_text('/proc/self/environ')",
            // Writing, attaching, extensions, the network.
            "COPY orders TO '\(root)/copy.csv'",
            "COPY (SELECT 1) TO '/tmp/agnes-sandbox-copy.csv'",
            "EXPORT DATABASE '\(root)/export'",
            "ATTACH '\(f.data.layout.analyticsFile.path)' AS stolen",
            "ATTACH ':memory:' AS scratch",
            "DETACH memory",
            "INSTALL httpfs",
            "LOAD httpfs",
            // Configuration.
            "SET enable_external_access = true",
            "RESET enable_external_access",
            "SET allowed_paths = ['/']",
            "SET threads = 64",
            "SET memory_limit = '64GB'",
            "PRAGMA enable_profiling",
            "CALL pragma_table_info('payroll')",
            // Statements other than one SELECT: state, macros, hidden text.
            "SET VARIABLE target = 'payroll'",
            "SELECT * FROM query_table(getvariable('target'))",
            "CREATE MACRO leak() AS TABLE SELECT * FROM read_text('\(outside)')",
            "CREATE TABLE scratch AS SELECT 1",
            "CREATE OR REPLACE VIEW orders AS SELECT * FROM read_text('\(outside)')",
            "INSERT INTO orders SELECT * FROM orders",
            "DROP VIEW orders",
            "PREPARE leak AS SELECT * FROM read_text('\(outside)')",
            "EXECUTE leak",
            "SELECT 1; SELECT * FROM read_text('\(outside)')",
            "SELECT $$;$$; COPY orders TO '\(root)/x.csv'",
            "SELECT E'\\''; ATTACH '\(f.data.layout.analyticsFile.path)' AS stolen",
            "SELECT 1 -- comment\n; COPY orders TO '\(root)/y.csv'",
            "/* SELECT */ COPY orders TO '\(root)/z.csv'",
            "EXPLAIN SELECT * FROM read_text('\(outside)')",
            "USE sales",
            "BEGIN TRANSACTION",
            "CHECKPOINT",
            "VACUUM",
            // The machine.
            "SELECT getenv('HOME')",
        ]
    }

    /// SELECTs that reach for the network (`server`: a local HTTP server that answers). Without the
    /// httpfs extension they fail anyway, so only DuckDB's permission error shows that the sandbox's
    /// configuration, not a missing extension or network, refused them.
    static func network(_ server: CountingHTTPServer) -> [String] {
        [
            "SELECT * FROM read_parquet('https://example.com/x.parquet')",
            "SELECT * FROM 's3://bucket/x.parquet'",
            "SELECT * FROM read_csv('http://127.0.0.1:1/x.csv')",
            "SELECT * FROM read_csv('http://127.0.0.1:\(server.port)/x.csv')",
            "SELECT * FROM 'http://127.0.0.1:\(server.port)/x.csv'",
            "SELECT * FROM read_text('http://127.0.0.1:\(server.port)/x.csv')",
        ]
    }

    /// Catalog functions may answer, but only about what the caller may read.
    static let listings = [
        "SELECT * FROM duckdb_tables()",
        "SELECT * FROM duckdb_views()",
        "SELECT * FROM duckdb_columns()",
        "SELECT * FROM duckdb_databases()",
        "SELECT * FROM duckdb_schemas()",
        "SELECT * FROM duckdb_settings()",
        "SELECT * FROM duckdb_dependencies()",
        "SELECT * FROM information_schema.tables",
        "SELECT * FROM information_schema.columns",
        "SELECT * FROM pragma_database_list()",
        "SELECT * FROM pragma_show_tables()",
        "SHOW TABLES",
        "SHOW ALL TABLES",
        "SELECT current_setting('allowed_paths')",
        // No secrets exist, and no persistent ones are looked for in a home directory.
        "SELECT * FROM duckdb_secrets()",
        "SELECT * FROM which_secret('s3://bucket/x', 's3')",
    ]

    /// Queries that need the machine's resources: stopped by the timeout or the memory limit.
    static let exhausting = [
        "SELECT count(*) FROM range(1000000000000)",
        "SELECT sum(a.range * b.range) FROM range(100000000) a, range(100000000) b",
        "SELECT * FROM range(200000000) ORDER BY random() LIMIT 1",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
        "SELECT length(string_agg(repeat('x', 1000), '')) FROM range(100000000)",
    ]

    @Test func everyBypassIsRefused() async throws {
        let fixture = try await SandboxFixture()
        let vectors = Self.refused(fixture)
        #expect(vectors.count >= 60)
        var accepted: [String] = []
        for sql in vectors {
            do {
                let result = try await fixture.analyst(sql)
                accepted.append("\(sql) → \(result.text.prefix(200))")
            } catch {
                if case .query(let message) = error {
                    #expect(!message.contains(SandboxFixture.secretRow), "\(sql)")
                    #expect(!message.contains(SandboxFixture.secretFile), "\(sql)")
                }
            }
        }
        #expect(accepted.isEmpty, "accepted: \(accepted.joined(separator: "\n"))")
        // Nothing was written anywhere by the attempts.
        for name in ["copy.csv", "export", "x.csv", "y.csv", "z.csv"] {
            #expect(!FileManager.default.fileExists(atPath: fixture.data.root.appendingPathComponent(name).path))
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/agnes-sandbox-copy.csv"))
        // And the sandbox still answers, with its configuration as it was.
        let after = try await fixture.analyst("SELECT count(*) AS n FROM orders")
        #expect(after.rows[0][0].int == 100)
        let threads = try await fixture.analyst("SELECT current_setting('threads')")
        #expect(threads.rows[0][0].int == 2)
    }

    @Test func networkAccessMeetsDuckDBsPermissionCheck() async throws {
        let server = try CountingHTTPServer()
        defer { server.stop() }
        #expect(try server.fetch() == CountingHTTPServer.body, "the server answers a plain client")
        let fixture = try await SandboxFixture()
        for sql in Self.network(server) {
            do {
                let result = try await fixture.analyst(sql)
                Issue.record("\(sql) → \(result.text.prefix(200))")
            } catch {
                guard case .query(let message) = error else {
                    Issue.record("\(sql): \(error)")
                    continue
                }
                #expect(message.hasPrefix("Permission Error"), "\(sql): \(message)")
            }
        }
        // The SELECT-only gate stops INSTALL and LOAD before DuckDB sees them: run everything on the
        // sandbox's own connection too, so the configuration itself is what refuses.
        let sandbox = try await fixture.engine.sandbox(readable: ["orders", "customers"])
        for sql in ["INSTALL httpfs", "LOAD httpfs", "SET enable_external_access = true"] + Self.network(server) {
            do {
                try await sandbox.pool.withConnection { try $0.execute(sql) }
                Issue.record("\(sql) ran on the sandbox's connection")
            } catch let error as DuckDBError {
                #expect(
                    error.kind == .permission || error.message.contains("configuration has been locked"),
                    "\(sql): \(error)")
            }
        }
        #expect(server.connections == 1, "only the test's own request reached the server")
    }

    @Test func catalogListingsShowOnlyReadableTables() async throws {
        let fixture = try await SandboxFixture()
        for sql in Self.listings {
            do {
                let text = try await fixture.analyst(sql).text
                #expect(!text.contains("payroll"), "\(sql) names the unreadable table")
                #expect(!text.contains(SandboxFixture.secretRow), "\(sql)")
                #expect(!text.contains(SandboxFixture.secretFile), "\(sql)")
                #expect(!text.contains(fixture.outside.path), "\(sql)")
            } catch {
                // Refusing is fine too.
            }
        }
        let tables = try await fixture.analyst(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1")
        #expect(tables.rows.map { $0[0].string } == ["customers", "orders"])
    }

    // Stopped by the timeout or the memory limit, as the error says; the time limit only guards a hang.
    @Test(.timeLimit(.minutes(2))) func exhaustingQueriesAreStoppedInTime() async throws {
        let fixture = try await SandboxFixture(
            limits: SandboxLimits(memoryLimit: "256MB", maxTempDirectorySize: "256MB", timeout: .seconds(1)))
        for sql in Self.exhausting {
            do {
                let result = try await fixture.analyst(sql)
                Issue.record("\(sql) finished: \(result.text.prefix(100))")
            } catch {
                switch error {
                case .timedOut: break
                case .query(let message):
                    #expect(
                        message.contains("Out of Memory") || message.contains("memory")
                            || message.contains("temp"), "\(sql): \(message)")
                default: Issue.record("\(sql): \(error)")
                }
            }
        }
        let after = try await fixture.analyst("SELECT count(*) FROM orders")
        #expect(after.rows[0][0].int == 100)
    }

    /// What could tell an analyst where the server keeps its files: none of it shows a path of the data
    /// directory or of the server's home. The settings (`allowed_paths`, `allowed_directories`) hide the
    /// data directory only where ``SandboxFiles/isSealed`` (not as root); `MachinePathTests` in the CLI
    /// tests checks them with a server run as an unprivileged user.
    static let pathProbes = [
        "SELECT sql FROM duckdb_views()",
        "SELECT view_definition FROM information_schema.views",
        "SELECT sql FROM sqlite_master",
        "SELECT * FROM duckdb_dependencies()",
        "SELECT current_setting('temp_directory'), current_setting('home_directory'), current_setting('secret_directory')",
        "SELECT * FROM duckdb_settings() WHERE name NOT IN ('allowed_paths', 'allowed_directories')",
        "EXPLAIN ANALYZE SELECT * FROM orders",
        "EXPLAIN SELECT * FROM orders JOIN customers USING (customer_id)",
        "SELECT * FROM duckdb_databases()",
        "SELECT * FROM duckdb_extensions()",
        "SELECT * FROM duckdb_temporary_files()",
        "SELECT * FROM read_parquet('/etc/passwd')",
        "SELECT * FROM read_parquet('/proc/self/fd/0')",
        "SELECT * FROM glob('/proc/self/fd/*')",
        "SELECT filename FROM orders",
        "SELECT * FROM read_parquet('orders.parquet')",
    ]

    @Test func noProbeShowsAServerPath() async throws {
        let fixture = try await SandboxFixture()
        let root = fixture.data.root.path
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        for sql in Self.pathProbes {
            let text: String
            do {
                text = try await fixture.analyst(sql).text
            } catch {
                text = "\(error)"
            }
            #expect(!text.contains(root), "\(sql) shows the data directory: \(text.prefix(300))")
            #expect(!text.contains(home + "/"), "\(sql) shows the home directory: \(text.prefix(300))")
            #expect(!text.contains("/tmp/"), "\(sql) shows a temporary directory: \(text.prefix(300))")
        }
        let settings = try await fixture.analyst(
            "SELECT current_setting('allowed_paths')::VARCHAR || current_setting('allowed_directories')::VARCHAR").text
        if fixture.engine.files.isSealed {
            #expect(!settings.contains(root), "\(settings)")
            #expect(settings.contains("/proc/"), "\(settings)")
        } else {
            // As root (or off Linux): the hard links under DATA_DIR/tmp/sandbox show, never the served files.
            #expect(!settings.contains(fixture.data.layout.root.appendingPathComponent("extracts").path), "\(settings)")
            #expect(settings.contains(fixture.engine.files.root.path), "\(settings)")
        }
        // A spilling query still works through the descriptor directory.
        let sorted = try await fixture.analyst("SELECT count(*) FROM (SELECT * FROM orders ORDER BY random())")
        #expect(sorted.rows[0][0].int == 100)
    }

    @Test func aSandboxsFilesAreGoneWithIt() async throws {
        let fixture = try await SandboxFixture()
        _ = try await fixture.analyst("SELECT count(*) FROM orders")
        let files = fixture.engine.files
        let orders = try #require(fixture.files["orders"])
        let mount = try files.mount([URL(fileURLWithPath: orders.versionPath ?? orders.path)])
        #expect(mount.files.count == 1)
        #if os(Linux)
            #expect(mount.files[0].hasPrefix("/proc/self/fd/"))
            let descriptor = Int32(mount.files[0].dropFirst("/proc/self/fd/".count))!
            #expect(fcntl(descriptor, F_GETFD) >= 0)
        #endif
        let count = try await offloadedCount(mount.files[0])
        #expect(count == 100)
    }

    func offloadedCount(_ path: String) async throws -> Int? {
        try Database().connect().query("SELECT count(*) FROM read_parquet('\(path)')").rows[0][0].int
    }

    @Test func aFileOnAnotherFileSystemIsReadByItsPathAndSaidOnce() async throws {
        #if os(Linux)
            let shm = URL(fileURLWithPath: "/dev/shm/agnes-\(UUID().uuidString).parquet")
            guard FileManager.default.fileExists(atPath: "/dev/shm") else { return }
            try Database().connect().execute("COPY (SELECT 42 AS answer) TO '\(shm.path)' (FORMAT parquet)")
            defer { try? FileManager.default.removeItem(at: shm) }
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)")
            let told = Mutex<[String]>([])
            let files = SandboxFiles(root: root, onUnlinkedFile: { reason in told.withLock { $0.append(reason) } })
            let first = try files.mount([shm])
            let second = try files.mount([shm])
            #expect(told.withLock { $0.count } == 1, "said once, not per sandbox")
            #expect(told.withLock { $0.first?.contains(shm.lastPathComponent) } == true)
            let answer = try Database().connect().query("SELECT answer FROM read_parquet('\(first.files[0])')")
            #expect(answer.rows[0][0].int == 42)
            _ = second
        #endif
    }
}
