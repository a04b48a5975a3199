import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesTestSupport
import DuckDB
import Foundation
import Testing

/// Custom connectors end to end: a real program runs, its output is checked, and what passes is
/// published as `extracts/<name>/`.
@Suite struct CustomConnectorTests {
    static func registrations(_ ids: [String], source: String) -> [TableRegistration] {
        ids.map { TableRegistration(id: $0, name: $0, sourceType: source) }
    }

    @Test func theSampleConnectorPublishesItsViewOverParquetAndItsTable() async throws {
        let fixture = try CustomConnectorFixture()
        try fixture.copySample()
        let connector = fixture.connector("sample", environment: ["SAMPLE_ORDER_COUNT": "25"])
        let discovered = try await connector.discover()
        #expect(discovered.map(\.id) == ["sample_orders", "sample_regions"])
        #expect(discovered.map(\.rows) == [25, 4])
        #expect(discovered.first?.description == "Orders made up by the sample connector")

        let counts = try fixture.query(
            "sample",
            "SELECT (SELECT count(*) FROM sample_orders) AS orders, (SELECT count(*) FROM sample_regions) AS regions, (SELECT sum(order_id) FROM sample_orders) AS ids"
        )
        #expect(counts.first?["orders"].int == 25)
        #expect(counts.first?["regions"].int == 4)
        #expect(counts.first?["ids"].int == 325)
        // The views read the published versions, and their hashes are the files' own.
        let versions = fixture.layout.versionsDirectory(Identifier("sample")!).path + "/"
        for view in try fixture.query(
            "sample", "SELECT sql FROM duckdb_views() WHERE database_name = 'published' AND NOT internal")
        {
            #expect(view["sql"].string?.contains(versions) == true)
        }
        for row in try fixture.query("sample", "SELECT version_file, md5, size_bytes FROM _content_hashes") {
            let file = try #require(row["version_file"].string)
            let digest = try Publisher.md5(of: URL(fileURLWithPath: file))
            #expect(row["md5"].string == digest.md5 && row["size_bytes"].int64 == digest.sizeBytes)
        }
        #expect(
            (try? FileManager.default.contentsOfDirectory(
                atPath: fixture.layout.root.appendingPathComponent("tmp/connectors/sample").path)) == [],
            "the run's working directory is removed")

        // The sync after the discovery takes up the discovery's run; the next one runs it again.
        let tables = Self.registrations(["sample_orders", "sample_regions"], source: "sample")
        let first = try await connector.sync(ConnectorSyncRequest(due: tables, registered: tables))
        #expect(first.outcomes.map(\.kind) == [.synced, .synced])
        #expect(first.outcomes.map(\.rows) == [25, 4])
        #expect(first.changedExtract)
        let extract = try #require(fixture.extract("sample"))
        let written = try FileManager.default.attributesOfItem(atPath: extract.path)[.modificationDate] as? Date
        let second = try await connector.sync(ConnectorSyncRequest(due: tables, registered: tables))
        #expect(
            second.outcomes.map(\.summary) == [
                "unchanged: its data did not change", "unchanged: its data did not change",
            ])
        #expect(!second.changedExtract)
        #expect(try FileManager.default.attributesOfItem(atPath: extract.path)[.modificationDate] as? Date == written)
    }

    @Test func aGlobOfParquetFilesBecomesOneTableAndATableNotDueKeepsItsData() async throws {
        let fixture = try CustomConnectorFixture()
        let count = fixture.root.appendingPathComponent("count")
        try "2".write(to: count, atomically: true, encoding: .utf8)
        try fixture.python(
            "events",
            """
            n = int(open(os.environ["COUNT_FILE"]).read())
            os.makedirs("data/days", exist_ok=True)
            for day in range(n):
                con.execute(f"COPY (SELECT {day} AS day, range AS id FROM range(10)) TO 'data/days/{day}.parquet' (FORMAT parquet)")
            con.execute("CREATE VIEW events AS SELECT * FROM read_parquet('data/days/*.parquet')")
            meta("events")
            parquet("days", f"SELECT range AS day FROM range({n})")
            """, yaml: "env: [COUNT_FILE]\n")
        let connector = fixture.connector("events", environment: ["COUNT_FILE": count.path])
        let report = try await connector.run()
        #expect(report.synced == ["events": 20, "days": 2])
        try "3".write(to: count, atomically: true, encoding: .utf8)
        let tables = Self.registrations(["days", "events"], source: "events")
        let result = try await connector.sync(ConnectorSyncRequest(due: [tables[1]], registered: tables))
        #expect(result.outcomes.map(\.summary) == ["synced"])
        #expect(result.outcomes.first?.rows == 30)
        let rows = try fixture.query(
            "events", "SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM days) AS days")
        #expect(rows.first?["events"].int == 30)
        #expect(rows.first?["days"].int == 2, "a table not due keeps its previous data")
    }

    @Test func aConnectorPastItsTimeoutIsStoppedWithEverythingItStarted() async throws {
        let fixture = try CustomConnectorFixture()
        let pids = fixture.root.appendingPathComponent("pids")
        // Both the program and its child ignore SIGTERM: only the SIGKILL that follows stops them.
        try fixture.shell(
            "slow",
            """
            trap '' TERM
            sh -c 'trap "" TERM; while :; do sleep 1; done' &
            echo "$$ $!" > "$PID_FILE"
            echo "still extracting" >&2
            while :; do sleep 1; done
            """, yaml: "timeout_seconds: 0.5\nenv: [PID_FILE]\n")
        let connector = fixture.connector("slow", environment: ["PID_FILE": pids.path])
        let error = await #expect(throws: CustomConnectorError.self) { try await connector.run() }
        #expect(error?.code == .timedOut)
        #expect(
            error?.message
                == "the connector did not finish within 0.5 s (timeout_seconds in slow/connector.yaml) and was stopped: still extracting"
        )
        let ids = try String(contentsOf: pids, encoding: .utf8).split(separator: " ").compactMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(ids.count == 2)
        for pid in ids { #expect(isGone(pid), "process \(pid) of the connector's group still runs") }
        #expect(fixture.extract("slow") == nil)
    }

    @Test func convertingItsOutputCountsAgainstItsTimeoutToo() async throws {
        let fixture = try CustomConnectorFixture()
        // The view binds at once but would aggregate for ages when it is converted. The extract is made
        // here and only copied by the connector, so the connector itself ends in milliseconds even on a
        // loaded machine: what runs out is the conversion's time.
        let prebuilt = fixture.root.appendingPathComponent("prebuilt.duckdb")
        do {
            let connection = try Database(path: prebuilt.path).connect()
            try connection.execute(
                """
                CREATE TABLE _meta (table_name VARCHAR NOT NULL, description VARCHAR, rows BIGINT, size_bytes BIGINT,
                    extracted_at TIMESTAMP, query_mode VARCHAR DEFAULT 'local');
                INSERT INTO _meta VALUES ('endless', NULL, NULL, NULL, NULL, 'local');
                CREATE VIEW endless AS SELECT sum(a.range * b.range) AS s FROM range(100000000) a, range(100000000) b;
                CHECKPOINT
                """)
        }
        try fixture.shell(
            "endless", "cp \(CustomConnectorFixture.quoted(prebuilt.path)) \"$AGNES_OUTPUT_DIR/extract.duckdb\"\n",
            yaml: "timeout_seconds: 1.5\n")
        let error = await #expect(throws: CustomConnectorError.self) { try await fixture.connector("endless").run() }
        #expect(error?.code == .timedOut)
        #expect(
            error?.message
                == "the connector's output was still being converted when its 1.5 s (timeout_seconds) ran out; it was stopped"
        )
        #expect(fixture.extract("endless") == nil)
    }

    @Test func aConnectorThatExitsNonZeroFailsWithTheEndOfItsStandardError() async throws {
        let fixture = try CustomConnectorFixture()
        try fixture.shell(
            "broken",
            """
            echo "connecting to the CRM" >&2
            echo "error: the API token was rejected" >&2
            exit 3
            """)
        let error = await #expect(throws: CustomConnectorError.self) {
            try await fixture.connector("broken").run()
        }
        #expect(error?.code == .failedRun)
        #expect(
            error?.message
                == "the connector exited with status 3: connecting to the CRM\nerror: the API token was rejected")
    }

    @Test func aConnectorInheritsNoDescriptorOfTheServer() async throws {
        let fixture = try CustomConnectorFixture()
        // A descriptor the server holds without close-on-exec (as Foundation opens files for writing).
        let descriptor = open(fixture.root.appendingPathComponent("held").path, O_WRONLY | O_CREAT, 0o600)
        #expect(descriptor > 2)
        defer { close(descriptor) }
        try fixture.shell(
            "peek",
            """
            if [ -e /proc/$$/fd/\(descriptor) ]; then echo "inherited \(descriptor)" >&2; else echo "clean" >&2; fi
            exit 1
            """)
        let error = await #expect(throws: CustomConnectorError.self) { try await fixture.connector("peek").run() }
        #expect(error?.message == "the connector exited with status 1: clean")
    }

    static let outsideCases: [(name: String, body: String, message: String)] = [
        (
            "view_over_etc",
            """
            con.execute("CREATE VIEW leak AS SELECT * FROM read_csv('/etc/passwd')")
            meta("leak")
            """,
            "view leak reads /etc/passwd, outside the connector's output directory"
        ),
        (
            "view_up_the_tree",
            """
            con.execute("COPY (SELECT 1 AS a) TO '../escape.parquet' (FORMAT parquet)")
            con.execute("CREATE VIEW up AS SELECT * FROM read_parquet('../escape.parquet')")
            meta("up")
            """,
            "view up reads ../escape.parquet, outside the connector's output directory"
        ),
        (
            "query_over_etc",
            """
            con.execute("CREATE VIEW host AS SELECT count(*) AS n FROM read_text('/etc/hostname')")
            meta("host")
            """,
            "view host reads /etc/hostname, outside the connector's output directory"
        ),
        (
            "symlink",
            """
            parquet("t", "SELECT 1 AS a")
            os.remove("data/t.parquet")
            os.symlink("/etc/passwd", "data/t.parquet")
            """,
            "data/t.parquet is a symbolic link (to /etc/passwd); a connector's output must be regular files inside its output directory"
        ),
        (
            "macro_over_etc",
            """
            con.execute("CREATE MACRO passwd() AS TABLE SELECT * FROM read_csv('/etc/passwd')")
            con.execute("CREATE VIEW sneaky AS SELECT * FROM passwd()")
            meta("sneaky")
            """,
            "table sneaky reads a file outside the connector's output directory"
        ),
    ]

    @Test(arguments: outsideCases.indices)
    func outputReachingOutsideItsDirectoryIsRefused(_ index: Int) async throws {
        let (name, body, message) = Self.outsideCases[index]
        let fixture = try CustomConnectorFixture()
        try fixture.python(name, body)
        let error = await #expect(throws: CustomConnectorError.self) { try await fixture.connector(name).run() }
        #expect(error?.code == .outsideDirectory)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(fixture.extract(name) == nil, "nothing is published")
    }

    static let badMetaCases: [(body: String, message: String)] = [
        ("con.execute('DROP TABLE _meta')", "extract.duckdb has no _meta table"),
        (
            "parquet('t', 'SELECT 1 AS a')\ncon.execute('ALTER TABLE _meta DROP COLUMN query_mode')",
            "_meta lacks the column query_mode (the contract: table_name, description, rows, size_bytes, extracted_at, query_mode)"
        ),
        (
            "parquet('t', 'SELECT 1 AS a')\nmeta('bad-name')",
            "extract.duckdb breaks the extract contract: _meta row 2: table name \"bad-name\" is not a valid identifier"
        ),
        ("meta('_content_hashes')", "table name \"_content_hashes\" is not a valid identifier"),
        (
            "parquet('t', 'SELECT 1 AS a')\nmeta('ghost')",
            "_meta lists ghost but extract.duckdb has no view or table of that name"
        ),
        ("parquet('t', 'SELECT 1 AS a')\nmeta('t')", "_meta lists t more than once"),
        (
            "parquet('t', 'SELECT 1 AS a')\nmeta('t2', mode='remote')",
            "t2: query_mode 'remote' is not supported for custom connectors"
        ),
        ("pass", "_meta lists no tables"),
        (
            """
            con.execute("DROP TABLE _meta")
            con.execute("CREATE TABLE _meta (table_name VARCHAR, description VARCHAR, rows BIGINT, size_bytes BIGINT, extracted_at VARCHAR, query_mode VARCHAR)")
            con.execute("CREATE VIEW v AS SELECT 1 AS a")
            con.execute("INSERT INTO _meta VALUES ('v', NULL, NULL, NULL, 'not a time', 'local')")
            """,
            "_meta cannot be read"
        ),
        (
            "con.close()\nopen('extract.duckdb', 'wb').write(b'not a database')",
            "extract.duckdb cannot be opened as a DuckDB database"
        ),
        ("con.close()\nos.remove('extract.duckdb')", "the connector wrote no extract.duckdb into its output directory"),
        (
            "parquet('t', 'SELECT 1 AS a')\nos.mkfifo('data/waiting.parquet')",
            "data/waiting.parquet is not a regular file (a pipe, socket or device)"
        ),
        (
            "parquet('t', 'SELECT 1 AS a')\nos.remove('data/t.parquet')",
            "view t reads data/t.parquet, which the connector did not write"
        ),
    ]

    @Test(arguments: badMetaCases.indices)
    func anExtractBreakingTheContractIsRefused(_ index: Int) async throws {
        let (body, message) = Self.badMetaCases[index]
        let fixture = try CustomConnectorFixture()
        try fixture.python("crm", body)
        let error = await #expect(throws: CustomConnectorError.self) { try await fixture.connector("crm").run() }
        #expect(error?.code == .invalidOutput)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(fixture.extract("crm") == nil)
    }

    @Test func remoteAttachRowsOffTheAllowlistsAreRefusedAndAllowedOnesKept() async throws {
        let fixture = try CustomConnectorFixture()
        let attach = """
            parquet("t", "SELECT 1 AS a")
            con.execute("CREATE TABLE _remote_attach (alias VARCHAR, extension VARCHAR, url VARCHAR, token_env VARCHAR)")
            con.execute("INSERT INTO _remote_attach VALUES (?, ?, ?, ?)", os.environ["ROW"].split(","))
            """
        try fixture.python("remote", attach, yaml: "env: [ROW]\n")
        let cases = [
            ("web,httpfs,https://example.com/x,", "extension httpfs is not allowed (allowed: bigquery, keboola)"),
            (
                "kbc,keboola,https://connection.keboola.com,AWS_SECRET_ACCESS_KEY",
                "token_env AWS_SECRET_ACCESS_KEY is not allowed"
            ),
            ("bad alias,keboola,https://connection.keboola.com,", "alias \"bad alias\" is not a valid identifier"),
        ]
        for (row, message) in cases {
            let error = await #expect(throws: CustomConnectorError.self) {
                try await fixture.connector("remote", environment: ["ROW": row]).run()
            }
            #expect(error?.code == .remoteAttach)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            #expect(fixture.extract("remote") == nil)
        }
        _ = try await fixture.connector(
            "remote", environment: ["ROW": "kbc,keboola,https://connection.keboola.com,KEBOOLA_STORAGE_TOKEN"]
        ).run()
        let rows = try fixture.query("remote", "SELECT alias, extension, token_env FROM _remote_attach")
        #expect(rows.map { $0["extension"].string } == ["keboola"])
    }

    @Test func aFailedRunLeavesThePreviousExtractServing() async throws {
        let fixture = try CustomConnectorFixture()
        let mode = fixture.root.appendingPathComponent("mode")
        try "3".write(to: mode, atomically: true, encoding: .utf8)
        try fixture.python(
            "crm",
            """
            mode = open(os.environ["MODE_FILE"]).read().strip()
            if mode == "fail":
                sys.exit("the CRM answered 503")
            if mode == "leak":
                con.execute("CREATE VIEW leak AS SELECT * FROM read_csv('/etc/passwd')")
                meta("leak")
            parquet("accounts", f"SELECT range AS id FROM range({3 if mode == 'leak' else mode})")
            """, yaml: "env: [MODE_FILE]\n")
        let connector = fixture.connector("crm", environment: ["MODE_FILE": mode.path])
        #expect(try await connector.run().synced == ["accounts": 3])
        let extract = try #require(fixture.extract("crm"))
        let before = try Data(contentsOf: extract)
        let tables = Self.registrations(["accounts"], source: "crm")
        for (failure, reason) in [
            ("fail", "the connector exited with status 1: the CRM answered 503"),
            (
                "leak",
                "extract.duckdb breaks the extract contract: view leak reads /etc/passwd, outside the connector's output directory"
            ),
        ] {
            try failure.write(to: mode, atomically: true, encoding: .utf8)
            let result = try await connector.sync(ConnectorSyncRequest(due: tables, registered: tables))
            #expect(result.outcomes.map(\.summary) == ["failed: \(reason)"])
            #expect(!result.changedExtract)
            #expect(try Data(contentsOf: extract) == before, "the previous extract stays as it was")
            #expect(try fixture.query("crm", "SELECT count(*) AS n FROM accounts").first?["n"].int == 3)
        }
        try "5".write(to: mode, atomically: true, encoding: .utf8)
        let recovered = try await connector.sync(ConnectorSyncRequest(due: tables, registered: tables))
        #expect(recovered.outcomes.map(\.kind) == [.synced])
        #expect(try fixture.query("crm", "SELECT count(*) AS n FROM accounts").first?["n"].int == 5)
    }

    @Test func itSeesOnlyTheVariablesItsConfigurationNamesAndWorksInItsOwnDirectory() async throws {
        let fixture = try CustomConnectorFixture()
        try fixture.python(
            "envdump",
            """
            con.execute("CREATE TABLE environment (name VARCHAR, value VARCHAR)")
            con.executemany("INSERT INTO environment VALUES (?, ?)", [list(item) for item in os.environ.items()])
            con.execute("INSERT INTO environment VALUES ('cwd', ?)", [os.getcwd()])
            meta("environment")
            """, yaml: "env: [CRM_TOKEN, NOT_SET_ANYWHERE, HOME]\n")
        let connector = fixture.connector(
            "envdump",
            environment: [
                "CRM_TOKEN": "t0k3n", "DATABASE_PASSWORD": "hunter2", "PATH": "/usr/bin:/bin", "HOME": "/root",
            ])
        _ = try await connector.run()
        let environment = Dictionary(
            try fixture.query("envdump", "SELECT name, value FROM environment").map {
                ($0["name"].string ?? "", $0["value"].string ?? "")
            }, uniquingKeysWith: { first, _ in first })
        // Python may set LC_CTYPE itself (PEP 538); nothing else is there but what Agnes passed.
        #expect(
            Set(environment.keys).subtracting(["LC_CTYPE"])
                == [
                    "PATH", "LANG", "HOME", "TMPDIR", "AGNES_OUTPUT_DIR", "AGNES_CONNECTOR_NAME", "AGNES_CONNECTOR_DIR",
                    "CRM_TOKEN", "cwd",
                ])
        #expect(environment["CRM_TOKEN"] == "t0k3n")
        #expect(environment["PATH"] == "/usr/bin:/bin")
        #expect(environment["AGNES_CONNECTOR_NAME"] == "envdump")
        let output = try #require(environment["AGNES_OUTPUT_DIR"])
        #expect(environment["cwd"] == output)
        #expect(output.hasPrefix(fixture.layout.root.path + "/tmp/connectors/envdump/"))
        #expect(
            environment["HOME"] != "/root" && environment["HOME"] != output, "its HOME is its own, not the server's")
        #expect(!FileManager.default.fileExists(atPath: output), "the working directory is removed after the run")
    }
}

extension CustomConnectorFixture {
    /// Copies the repository's `connectors/custom/sample` here, run by the test venv's Python.
    func copySample() throws {
        let source = SMTPTestServer.repositoryRoot.appendingPathComponent("connectors/custom/sample")
        let target = connectors.appendingPathComponent("sample")
        try FileManager.default.copyItem(at: source, to: target)
        let yaml = target.appendingPathComponent(CustomConnectorConfiguration.fileName)
        let text = try String(contentsOf: yaml, encoding: .utf8)
        #expect(text.contains("command: [\"python3\", \"./extractor.py\"]"))
        try text.replacingOccurrences(of: "\"python3\"", with: Self.quoted(Self.python))
            .write(to: yaml, atomically: true, encoding: .utf8)
    }
}
