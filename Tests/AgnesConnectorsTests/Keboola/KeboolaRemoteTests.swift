import AgnesCore
import AgnesData
import AgnesFakes
import DuckDB
import Foundation
import Testing

@testable import AgnesConnectors

/// Remote Keboola tables (`query_mode='remote'`): synced as schema only, queried in place through the
/// (fake) Query Service with the columns, conditions and LIMIT the query allows, never exported.
@Suite struct KeboolaRemoteTests {
    static func registration(_ id: String = "orders") -> TableRegistration {
        TableRegistration(
            id: id, name: id, sourceType: "keboola", bucket: "c-sales", sourceTable: "orders", queryMode: .remote)
    }

    /// A sandbox holding the extract's remote tables, read through the connector's reader.
    static func sandbox(_ fixture: KeboolaFixture) throws -> QuerySandbox {
        let served = ExtractSnapshot.served(fixture.extract().values, source: "keboola")
        return try QuerySandbox(
            tables: served, limits: SandboxLimits(memoryLimit: "256MB", timeout: .seconds(20)),
            files: SandboxFiles(root: fixture.root.appendingPathComponent("tmp/sandbox")),
            remote: RemoteSources(["keboola": try #require(fixture.connector.remoteReader)]))
    }

    /// The SQL statements the Query Service was given.
    static func submitted(_ fixture: KeboolaFixture) -> [String] {
        fixture.requests("/queries").filter { $0.method == "POST" && $0.path.hasSuffix("/queries") }.compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.body.utf8))) as? [String: Any])?["statements"]
                as? [String]
        }.flatMap { $0 }
    }

    @Test func aRemoteTableSyncsItsSchemaOnlyAndNothingIsExported() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(KeboolaConnectorTests.orders)
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .synced, "\(outcome.reason ?? "")")
        #expect(outcome.reason?.contains("queried in place") == true)
        let table = try #require(fixture.extract()["orders"])
        #expect(table.queryMode == "remote" && table.file == nil)
        #expect(
            table.remoteColumns.map { "\($0.name) \($0.type)" } == [
                "id BIGINT", "amount DECIMAL(10,2)", "ordered_on DATE", "active BOOLEAN", "note VARCHAR",
                "ratio DOUBLE",
            ])
        #expect(try fixture.schema("orders").count == 6)
        #expect(try fixture.rows("orders").isEmpty, "the extract holds no rows of a remote table")
        #expect(fixture.requests("export-async").isEmpty)
        #expect(
            !FileManager.default.fileExists(
                atPath: fixture.root.appendingPathComponent("extracts/keboola/data/orders.parquet").path))
        // Again, unchanged: reported so, and the extract is not rewritten.
        #expect(try await fixture.sync([Self.registration()])["orders"]?.kind == .unchanged)
    }

    @Test func aQueryIsAnsweredByTheQueryServiceWithOnlyWhatItNeeds() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(KeboolaConnectorTests.orders)
        try await fixture.sync([Self.registration()])
        let sandbox = try Self.sandbox(fixture)
        fixture.keboola.clearRequests()

        let sum = try await sandbox.run("SELECT sum(amount), count(*), max(ordered_on) FROM orders", limit: 10)
        #expect(sum.rows.map { $0.map(\.description) } == [["44.85", "7", "2026-03-03"]])
        #expect(Self.submitted(fixture) == [#"SELECT "amount", "ordered_on" FROM "in.c-sales"."orders""#])

        let picked = try await sandbox.run(
            "SELECT id, note FROM orders WHERE note IN ('six', 'seven', 'it''s') LIMIT 1", limit: 10)
        #expect(picked.rows.count == 1)
        #expect(
            Self.submitted(fixture).last
                == #"SELECT "id", "note" FROM "in.c-sales"."orders" WHERE "note" IN ('six', 'seven', 'it''s') LIMIT 1"#)
        // A table without native types: a number condition is not sent (its column is text there), and
        // then neither is the LIMIT; DuckDB applies both to what arrives.
        let filtered = try await sandbox.run(
            "SELECT id FROM orders WHERE amount > 6 AND note <> 'x' LIMIT 2", limit: 10)
        #expect(filtered.rows.map { $0.map(\.description) } == [["1"], ["2"]])
        #expect(
            Self.submitted(fixture).last
                == #"SELECT "id", "amount", "note" FROM "in.c-sales"."orders" WHERE "note" <> 'x'"#)
        #expect(fixture.requests("export-async").isEmpty)
    }

    @Test func aTypedTableGetsEveryCondition() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        var typed = KeboolaConnectorTests.orders
        typed.isTyped = true
        fixture.keboola.putTable(typed)
        try await fixture.sync([Self.registration()])
        let sandbox = try Self.sandbox(fixture)
        let result = try await sandbox.run(
            "SELECT id FROM orders WHERE amount >= 6 AND ordered_on < DATE '2026-03-03' AND ratio IS NOT NULL",
            limit: 10)
        #expect(result.rows.map { $0.map(\.description) } == [["1"], ["2"], ["6"]])
        #expect(
            Self.submitted(fixture).last
                == #"SELECT "id", "amount", "ordered_on", "ratio" FROM "in.c-sales"."orders" WHERE "amount" >= 6 AND "ordered_on" < '2026-03-03' AND "ratio" IS NOT NULL"#
        )
    }

    @Test func withoutAQueryServiceABoundedExportOfTheSelectedColumnsAndRowsAnswers() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(KeboolaConnectorTests.orders)
        fixture.keboola.setQueryService(false)
        try await fixture.sync([Self.registration()])
        fixture.configure { $0.queryPageSize = 2 }
        let sandbox = try Self.sandbox(fixture)
        fixture.keboola.clearRequests()

        let picked = try await sandbox.run(
            "SELECT id, amount FROM orders WHERE note IN ('first', 'six', 'seven') AND amount > 7 ORDER BY id",
            limit: 10)
        #expect(picked.rows.map { $0.map(\.description) } == [["1", "10.50"]])
        #expect(Self.submitted(fixture).isEmpty)
        let export = try #require(fixture.requests("export-async").first)
        let form = export.body.removingPercentEncoding ?? export.body
        #expect(form.contains("columns=id,amount,note"))
        #expect(form.contains("whereFilters[0][column]=note") && form.contains("whereFilters[0][values][]=six"))
        #expect(!form.contains("whereFilters[1]"), "a number condition on a table without native types stays local")
        #expect(form.contains("limit=1000001"))

        let counted = try await sandbox.run("SELECT count(*) FROM orders", limit: 10)
        #expect(counted.rows.first?.first?.description == "7")

        fixture.configure { $0.remoteMaxRows = 3 }
        fixture.keboola.clearRequests()
        await #expect {
            _ = try await sandbox.run("SELECT * FROM orders", limit: 10)
        } throws: { error in
            guard case SandboxError.query(let message) = error else { return false }
            return message.contains("more than 3 rows") && message.contains("remote_max_rows")
        }
        let bounded = try #require(fixture.requests("export-async").first)
        #expect(bounded.body.contains("limit=4"))
        // A LIMIT that every condition went along with bounds the export itself.
        let few = try await sandbox.run("SELECT id FROM orders WHERE note <> 'x' LIMIT 2", limit: 10)
        #expect(few.rows.count == 2)
        #expect(fixture.requests("export-async").last?.body.contains("limit=2") == true)
        let scratch = fixture.root.appendingPathComponent("tmp/keboola-remote").path
        let left = (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? []
        #expect(left.isEmpty, "each scan's export is removed when the scan ends")
    }

    @Test func aScanOverTheRowLimitIsRefusedBeforeAnyRowIsRead() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(KeboolaConnectorTests.orders)
        try await fixture.sync([Self.registration()])
        fixture.configure {
            $0.remoteMaxRows = 3
            $0.queryPageSize = 2
        }
        let sandbox = try Self.sandbox(fixture)
        fixture.keboola.clearRequests()
        await #expect {
            _ = try await sandbox.run("SELECT * FROM orders", limit: 10)
        } throws: { error in
            guard case SandboxError.query(let message) = error else { return false }
            return message.contains("selects 7 rows") && message.contains("remote_max_rows (3)")
        }
        #expect(fixture.requests("/results").isEmpty)
        // Narrowed, it is answered, page by page.
        let few = try await sandbox.run("SELECT id FROM orders WHERE note IN ('first', 'six', 'seven')", limit: 10)
        #expect(few.rows.count == 3)
        #expect(fixture.requests("/results").count == 2)
    }

    @Test func failuresSayWhatIsWrong() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(KeboolaConnectorTests.orders)
        // Never synced: no Keboola table is known for it.
        let unsynced = try QuerySandbox(
            tables: [
                ServedTable(
                    id: "orders", source: "keboola", queryMode: "remote", file: nil, md5: nil, sizeBytes: nil,
                    rows: nil,
                    remoteColumns: [RemoteColumn(name: "id", type: "BIGINT")])
            ], limits: SandboxLimits(memoryLimit: "256MB", timeout: .seconds(20)),
            files: SandboxFiles(root: fixture.root.appendingPathComponent("tmp/sandbox")),
            remote: RemoteSources(["keboola": try #require(fixture.connector.remoteReader)]))
        await #expect {
            _ = try await unsynced.run("SELECT * FROM orders", limit: 10)
        } throws: { error in
            guard case SandboxError.query(let message) = error else { return false }
            return message.contains("has not been synced yet")
        }

        try await fixture.sync([Self.registration()])
        let sandbox = try Self.sandbox(fixture)
        fixture.configure { $0.token = "wrong" }
        await #expect {
            _ = try await sandbox.run("SELECT * FROM orders", limit: 10)
        } throws: { error in
            guard case SandboxError.query(let message) = error else { return false }
            return message.contains("KEBOOLA_STORAGE_TOKEN") && !message.contains("wrong")
        }
        fixture.unconfigure()
        await #expect {
            _ = try await sandbox.run("SELECT * FROM orders", limit: 10)
        } throws: { error in
            guard case SandboxError.query(let message) = error else { return false }
            return message.contains("Keboola is not configured")
        }
    }

    @Test func renderedSQLEscapesWhatItQuotes() {
        let note = RemoteColumn(name: #"no"te"#, type: "VARCHAR")
        let target = KeboolaRemoteTarget(tableID: "in.c-x.t", bucketID: "in.c-x", name: "t", isTyped: false)
        let sql = KeboolaRemoteSQL.select(
            RemoteScanRequest(
                tableID: "t", columns: [note], filters: [.compare(note, "=", .string(#"a'b\"#))], limit: 5),
            from: target)
        #expect(sql == #"SELECT "no""te" FROM "in.c-x"."t" WHERE "no""te" = 'a''b\\' LIMIT 5"#)
        #expect(KeboolaRemoteSQL.literal(.number("1; DROP")) == "NULL")
    }
}
