import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesJobs
import AgnesServer
import AgnesStore
import AgnesTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Custom connectors in the server: `CONNECTORS_DIR` read at start-up, their tables registered and
/// synced by the pipeline next to the other sources, served and queryable like any table.
@Suite struct CustomConnectorPipelineTests {
    /// A server whose `CONNECTORS_DIR` holds the repository's sample connector and `crm`, a connector
    /// that writes `accounts` with as many rows as the file `mode` says, or fails when it says `fail`.
    static func server() async throws -> (fixture: ServerFixture, mode: URL) {
        let fixture = try await ServerFixture(
            settings: { root in
                AgnesSettings(
                    dataDir: root, connectorsDir: root + "/connectors",
                    environment: ["SAMPLE_ORDER_COUNT": "25", "MODE_FILE": root + "/mode", "UNRELATED_SECRET": "x"])
            },
            prepare: { root in
                let connectors = root.appendingPathComponent("connectors")
                try FileManager.default.createDirectory(at: connectors, withIntermediateDirectories: true)
                let python = PyArrow.python
                // The repository's sample, run by the test venv's Python (which has duckdb).
                let sample = connectors.appendingPathComponent("sample")
                try FileManager.default.copyItem(
                    at: SMTPTestServer.repositoryRoot.appendingPathComponent("connectors/custom/sample"), to: sample)
                let yaml = sample.appendingPathComponent("connector.yaml")
                try String(contentsOf: yaml, encoding: .utf8).replacingOccurrences(
                    of: "\"python3\"", with: "\"\(python)\""
                )
                .write(to: yaml, atomically: true, encoding: .utf8)
                let crm = connectors.appendingPathComponent("crm")
                try FileManager.default.createDirectory(at: crm, withIntermediateDirectories: true)
                try """
                import duckdb, os, sys
                mode = open(os.environ["MODE_FILE"]).read().strip()
                if mode == "fail":
                    sys.exit("the CRM answered 503")
                os.makedirs("data")
                con = duckdb.connect("extract.duckdb")
                con.execute("CREATE TABLE _meta (table_name VARCHAR NOT NULL, description VARCHAR, rows BIGINT, size_bytes BIGINT, extracted_at TIMESTAMP, query_mode VARCHAR)")
                con.execute(f"COPY (SELECT range AS id FROM range({int(mode)})) TO 'data/accounts.parquet' (FORMAT parquet)")
                con.execute("CREATE VIEW accounts AS SELECT * FROM read_parquet('data/accounts.parquet')")
                con.execute("INSERT INTO _meta VALUES ('accounts', 'CRM accounts', NULL, NULL, now()::TIMESTAMP, 'local')")
                con.close()
                """.write(to: crm.appendingPathComponent("extractor.py"), atomically: true, encoding: .utf8)
                try "command: [\"\(python)\", ./extractor.py]\nenv: [MODE_FILE]\n".write(
                    to: crm.appendingPathComponent("connector.yaml"), atomically: true, encoding: .utf8)
                try "3".write(to: root.appendingPathComponent("mode"), atomically: true, encoding: .utf8)
                let local = root.appendingPathComponent("sources/local")
                try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
                try "id,status\n1,paid\n2,open\n".write(
                    to: local.appendingPathComponent("orders.csv"), atomically: true, encoding: .utf8)
            })
        return (fixture, fixture.root.appendingPathComponent("mode"))
    }

    static func outcomes(_ fixture: ServerFixture, _ run: SyncRun) async throws -> [String: SyncTableOutcome] {
        let outcomes = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: run.id)
        return Dictionary(outcomes.map { ($0.tableID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func theSampleConnectorsTablesAreRegisteredSyncedAndQueryable() async throws {
        let (fixture, _) = try await Self.server()
        let run = try await fixture.services.pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
        #expect(run.status == .succeeded)
        let outcomes = try await Self.outcomes(fixture, run)
        #expect(outcomes["sample_orders"]?.kind == .synced && outcomes["sample_orders"]?.rows == 25)
        #expect(outcomes["sample_regions"]?.kind == .synced && outcomes["sample_regions"]?.rows == 4)
        #expect(outcomes["accounts"]?.kind == .synced && outcomes["accounts"]?.rows == 3)
        #expect(outcomes["orders"]?.kind == .synced)

        let registered = try await DuckDBTableRegistryRepository(store: fixture.services.store).list(
            sourceType: "sample")
        #expect(registered.map(\.id) == ["sample_orders", "sample_regions"])
        #expect(registered.first?.description == "Orders made up by the sample connector")
        #expect(registered.first?.registeredBy == "system:sample-source")
        let served = try #require(try await fixture.services.analytics.generation?.servedTables())
        #expect(served["sample_orders"]?.rows == 25)
        #expect(served["accounts"]?.rows == 3)

        let ana = try await fixture.analyst("ana@example.com", tables: ["sample_orders", "sample_regions"])
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(
                .post, "/api/query", as: ana,
                body: [
                    "sql":
                        "SELECT label, count(*) AS n FROM sample_orders JOIN sample_regions USING (region) GROUP BY label ORDER BY label"
                ])
            #expect(reply.status == .ok)
            let rows = try #require(reply.object["rows"] as? [[Any]])
            #expect(rows.map { $0[0] as? String } == ["East", "North", "South", "West"])
            #expect(rows.compactMap { $0[1] as? Int }.reduce(0, +) == 25)
            // Its registrations are edited like any other; a remote mode is refused.
            let root = try await fixture.admin()
            let edited = try await client.call(
                .put, "/api/admin/registry/sample_orders", as: root.token, body: ["sync_schedule": "every 6h"])
            #expect(edited.status == .ok)
            let remote = try await client.call(
                .put, "/api/admin/registry/sample_orders", as: root.token,
                body: ["query_mode": "remote", "bucket": "b", "source_table": "t"])
            #expect(remote.status == .unprocessableContent)
            #expect(remote.detail == "query_mode: remote tables come from keboola or bigquery, not sample")
        }
        let schedule = try await DuckDBTableRegistryRepository(store: fixture.services.store).find(id: "sample_orders")
        #expect(schedule?.syncSchedule == "every 6h")
    }

    @Test func aFailingCustomConnectorFailsOnlyItsTablesWhileItsLastGoodDataKeepsServing() async throws {
        let (fixture, mode) = try await Self.server()
        let first = try await fixture.services.pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
        #expect(first.status == .succeeded)
        let before = try #require(try await fixture.services.analytics.generation?.servedTables()["accounts"])

        try "fail".write(to: mode, atomically: true, encoding: .utf8)
        try "id,status\n1,paid\n2,open\n3,paid\n".write(
            to: fixture.services.layout.localSourceDirectory.appendingPathComponent("orders.csv"), atomically: true,
            encoding: .utf8)
        let second = try await fixture.services.pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
        #expect(second.status == .partial)
        let outcomes = try await Self.outcomes(fixture, second)
        #expect(outcomes["accounts"]?.summary == "failed: the connector exited with status 1: the CRM answered 503")
        #expect(outcomes["orders"]?.kind == .synced && outcomes["orders"]?.rows == 3, "the other sources sync")
        #expect(outcomes["sample_orders"]?.summary == "unchanged: its data did not change")
        let served = try #require(try await fixture.services.analytics.generation?.servedTables())
        #expect(served["accounts"]?.md5 == before.md5, "the failed connector's last good data keeps serving")
        #expect(served["orders"]?.rows == 3)
        let checks = try await SyncRunRepository(store: fixture.services.store).checks()
        #expect(checks["accounts"]?.outcome == .failed)

        try "7".write(to: mode, atomically: true, encoding: .utf8)
        let third = try await fixture.services.pipeline.run(tables: ["accounts"], trigger: "test", requestedBy: nil)
        #expect(third.status == .succeeded)
        #expect(try await fixture.services.analytics.generation?.servedTables()["accounts"]?.rows == 7)
    }
}
