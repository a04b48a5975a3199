import AgnesCore
import AgnesData
import AgnesJobs
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The table registry over HTTP (REFERENCE §1.9).
@Suite struct RegistryRoutesTests {
    @Test func aRegisteredLocalTableSyncsAtOnceAndIsListed() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        try "code,name\nCZ,Czechia\nSK,Slovakia\n".write(
            to: fixture.services.layout.localSourceDirectory.appendingPathComponent("countries.tsv.csv"),
            atomically: true, encoding: .utf8)
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/admin/register-table", as: root.token,
                body: [
                    "name": "Country Codes", "source_type": "local", "source_table": "countries.tsv.csv",
                    "description": "ISO codes", "primary_key": "code", "sync_schedule": "daily 03:00",
                ])
            #expect(created.status == .created)
            #expect(created.object["id"] as? String == "country_codes")
            #expect(created.object["status"] as? String == "registered")
            let runID = try #require(created.object["run_id"] as? String)
            #expect(await fixture.services.pipeline.completion(of: runID)?.status == .succeeded)
            #expect(try await fixture.services.analytics.generation?.servedTables()["country_codes"]?.rows == 2)

            let list = try await client.call(.get, "/api/admin/registry", as: root.token)
            let tables = try #require(list.object["tables"] as? [[String: Any]])
            #expect(list.object["count"] as? Int == tables.count)
            let row = try #require(tables.first { $0["id"] as? String == "country_codes" })
            #expect(row["name"] as? String == "Country Codes")
            #expect(row["primary_key"] as? [String] == ["code"])
            #expect(row["sync_schedule"] as? String == "daily 03:00")
            #expect(row["last_outcome"] as? String == "synced")
            #expect(row["last_sync_error"] is NSNull)
            #expect(row["registered_by"] as? String == "root@example.com")
            #expect(tables.first { $0["id"] as? String == "orders" }?["primary_key"] is NSNull)
        }
        #expect(try await fixture.auditLog().contains { $0.action == "register_table" })
    }

    @Test(arguments: [
        (#"{"source_type": "local"}"#, 422, "name: field required"),
        (#"{"name": "   "}"#, 422, "name: field required"),
        (#"{"name": "9 lives"}"#, 422, "name: '9 lives' gives the table id '9_lives', which is not a valid table name"),
        (#"{"name": "a-b"}"#, 422, "name: 'a-b' gives the table id 'a-b'"),
        (#"{"name": "x", "source_type": "keboola"}"#, 422, "source_type: keboola is not configured on this server"),
        (#"{"name": "x", "source_type": "oracle"}"#, 422, "source_type: must be one of keboola, bigquery, jira, local"),
        (#"{"name": "x", "sync_schedule": "hourly"}"#, 422, "sync_schedule: invalid schedule 'hourly'"),
        (#"{"name": "x", "query_mode": "fast"}"#, 422, "query_mode: must be one of local, remote, materialized"),
        (#"{"name": "x", "source_query": "SELECT 1"}"#, 422, "source_query: only a materialized table has SQL"),
        (#"{"name": "x", "query_mode": "materialized", "source_query": "SELECT 1"}"#, 422, "query_mode: materialized tables come from keboola or bigquery"),
        (#"{"name": "x", "query_mode": "remote"}"#, 422, "query_mode: remote tables come from keboola or bigquery"),
        (#"{"name": "x", "source_table": "../etc/passwd.csv"}"#, 422, "source_table: a local table's source_table is a file name"),
        (#"{"name": "x", "primary_key": 7}"#, 422, "invalid type for primary_key"),
        (#"{"name": "orders"}"#, 409, "Table 'orders' is already registered"),
        (#"{"name": "ORDERS"}"#, 409, "Table 'orders' is already registered"),
    ])
    func aBadRegistrationIsRefusedNamingTheField(_ json: String, _ status: Int, _ detail: String) async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        let before = try await DuckDBTableRegistryRepository(store: fixture.services.store).list(sourceType: nil)
        try await fixture.application.test(.router) { client in
            for path in ["/api/admin/register-table", "/api/admin/register-table/precheck"] {
                let body = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
                let reply = try await client.call(.post, path, as: root.token, body: body)
                #expect(reply.status.code == status, "\(path) \(json)")
                #expect(reply.detail?.hasPrefix(detail) == true, "\(reply.detail ?? "nil")")
            }
        }
        #expect(try await DuckDBTableRegistryRepository(store: fixture.services.store).list(sourceType: nil) == before)
    }

    @Test func aConfiguredSourceTypeIsAccepted() async throws {
        let fixture = try await ServerFixture(settings: { directory in
            var settings = AgnesSettings(dataDir: directory)
            settings.instance = .object(["data_source": .object(["keboola": .object(["stack_url": .string("https://connection.keboola.com")])])])
            return settings
        })
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/admin/register-table", as: root.token,
                body: ["name": "orders", "source_type": "keboola", "bucket": "in.c-sales", "source_table": "orders"])
            #expect(created.status == .created)
            let runID = try #require(created.object["run_id"] as? String)
            // Keboola has no token here: the run says so instead of pretending.
            let run = await fixture.services.pipeline.completion(of: runID)
            let outcomes = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: runID)
            #expect(run?.status == .failed)
            #expect(outcomes.first?.summary.hasPrefix("failed: Keboola is not configured: set data_source.keboola.stack_url") == true)
        }
    }

    @Test func precheckReadsTheFilesColumnsAndWritesNothing() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        try "day,visits\n2026-01-01,5\n".write(
            to: fixture.services.layout.localSourceDirectory.appendingPathComponent("visits.csv"), atomically: true,
            encoding: .utf8)
        try Data([0x61, 0x0A, 0xFF, 0xFE, 0xFD, 0x0A]).write(
            to: fixture.services.layout.localSourceDirectory.appendingPathComponent("broken.csv"))
        try await fixture.application.test(.router) { client in
            let ok = try await client.call(.post, "/api/admin/register-table/precheck", as: root.token, body: ["name": "visits"])
            #expect(ok.status == .ok && ok.object["ok"] as? Bool == true)
            let table = try #require(ok.object["table"] as? [String: Any])
            let columns = try #require(table["columns"] as? [[String: Any]])
            #expect(columns.map { $0["name"] as? String } == ["day", "visits"])
            #expect(columns.map { $0["type"] as? String } == ["DATE", "BIGINT"])
            #expect((table["size_bytes"] as? Int ?? 0) > 0)
            let missing = try await client.call(.post, "/api/admin/register-table/precheck", as: root.token, body: ["name": "later"])
            #expect(((missing.object["table"] as? [String: Any])?["note"] as? String)?.contains("no file for it") == true)
            let broken = try await client.call(.post, "/api/admin/register-table/precheck", as: root.token, body: ["name": "broken"])
            #expect(broken.status == .unprocessableContent)
            #expect(broken.detail?.hasPrefix("source_table: sources/local/broken.csv cannot be read") == true)
            #expect(broken.detail?.contains(fixture.root.path) == false, "no server path in the answer")
        }
        #expect(try await DuckDBTableRegistryRepository(store: fixture.services.store).find(id: "visits") == nil)
    }

    @Test func anUpdateChangesOnlyTheGivenFieldsAndChecksThemAll() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let updated = try await client.call(
                .put, "/api/admin/registry/orders", as: root.token,
                body: ["description": "Paid and open orders", "sync_schedule": "every 30m", "folder": nil])
            #expect(updated.status == .ok)
            #expect(updated.object["updated"] as? [String] == ["description", "sync_schedule"])
            let stored = try #require(try await DuckDBTableRegistryRepository(store: fixture.services.store).find(id: "orders"))
            #expect(stored.description == "Paid and open orders" && stored.syncSchedule == "every 30m")
            #expect(stored.sourceType == "local")

            let unknown = try await client.call(.put, "/api/admin/registry/nope", as: root.token, body: ["description": "x"])
            #expect(unknown.status == .notFound && unknown.detail == "Table not found: nope")
            let bad = try await client.call(.put, "/api/admin/registry/orders", as: root.token, body: ["sync_schedule": "every 0h"])
            #expect(bad.status == .unprocessableContent && bad.detail?.hasPrefix("sync_schedule:") == true)
            let taken = try await client.call(.put, "/api/admin/registry/orders", as: root.token, body: ["name": "numbers"])
            #expect(taken.status == .conflict && taken.detail == "name: another table is already named 'numbers'")
            let empty = try await client.call(.put, "/api/admin/registry/orders", as: root.token, body: [:])
            #expect(empty.status == .unprocessableContent && empty.detail == "the body sets no field")
            let after = try await DuckDBTableRegistryRepository(store: fixture.services.store).find(id: "orders")
            #expect(after == stored, "refused updates change nothing")
        }
    }

    @Test func deleteRemovesTheFilesViewStateAndGrants() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders", "numbers"])
        let local = fixture.services.layout.localSourceDirectory
        try await fixture.application.test(.router) { client in
            let deleted = try await client.call(.delete, "/api/admin/registry/orders", as: root.token)
            #expect(deleted.status == .noContent)
            #expect(!FileManager.default.fileExists(atPath: local.appendingPathComponent("orders.csv").path))
            #expect(try await fixture.services.analytics.generation?.servedTables()["orders"] == nil)
            let manifest = try await client.raw(.get, "/api/sync/manifest", as: ana)
            #expect((manifest.object["tables"] as? [String: Any])?.keys.sorted() == ["numbers"])
            #expect(try await DuckDBSyncStateRepository(store: fixture.services.store).find(tableID: "orders") == nil)
            let grants = try await DuckDBGrantRepository(store: fixture.services.store).list(groupID: nil, type: .table)
            #expect(grants.map(\.resourceID).sorted() == ["numbers"])
            let again = try await client.call(.delete, "/api/admin/registry/orders", as: root.token)
            #expect(again.status == .notFound)
            // The next run does not bring it back.
            let run = try await fixture.services.pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
            #expect(try await SyncRunRepository(store: fixture.services.store).outcomes(runID: run.id).contains { $0.tableID == "orders" } == false)
        }
        let audit = try #require(try await fixture.auditLog().first { $0.action == "unregister_table" })
        #expect(audit.params?["grants_removed"] == "readers-ana@example.com")
        #expect(audit.params?["files_removed"]?.contains("sources/local/orders.csv") == true)
    }

    @Test func deletingATableKeepsAFileAnotherRegistrationReads() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        let local = fixture.services.layout.localSourceDirectory
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/admin/register-table", as: root.token,
                body: ["name": "orders_copy", "source_type": "local", "source_table": "orders.csv"])
            #expect(created.status == .created)
            _ = await fixture.services.pipeline.completion(of: try #require(created.object["run_id"] as? String))
            #expect(try await fixture.services.analytics.generation?.servedTables()["orders_copy"]?.rows == 5)
            let deleted = try await client.call(.delete, "/api/admin/registry/orders_copy", as: root.token)
            #expect(deleted.status == .noContent)
            #expect(FileManager.default.fileExists(atPath: local.appendingPathComponent("orders.csv").path))
            let served = try #require(try await fixture.services.analytics.generation?.servedTables())
            #expect(served["orders_copy"] == nil && served["orders"]?.rows == 5)
        }
    }

    @Test func discoveryListsTheFolderAndRegistersWhatIsNew() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        let local = fixture.services.layout.localSourceDirectory
        try "a\n1\n".write(to: local.appendingPathComponent("fresh.csv"), atomically: true, encoding: .utf8)
        try "a\n1\n".write(to: local.appendingPathComponent("Fresh.csv"), atomically: true, encoding: .utf8)
        try await fixture.application.test(.router) { client in
            let listed = try await client.call(.get, "/api/admin/discover-tables", as: root.token)
            #expect(listed.object["source"] as? String == "local")
            let tables = try #require(listed.object["tables"] as? [[String: Any]])
            #expect(tables.first { $0["name"] as? String == "orders.csv" }?["registered"] as? Bool == true)
            // In name order "Fresh.csv" comes first and gives the table; the other is reported.
            #expect(tables.first { $0["name"] as? String == "Fresh.csv" }?["registered"] as? Bool == false)
            #expect(tables.first { $0["name"] as? String == "Fresh.csv" }?["problem"] is NSNull)
            #expect(tables.first { $0["name"] as? String == "fresh.csv" }?["problem"] as? String == "its table already comes from Fresh.csv")
            let none = try await client.call(.get, "/api/admin/discover-tables?source_type=keboola", as: root.token)
            #expect((none.object["error"] as? String)?.hasPrefix("Keboola is not configured") == true)
            #expect((none.object["tables"] as? [Any])?.isEmpty == true)
            let unknown = try await client.call(.get, "/api/admin/discover-tables?source_type=oracle", as: root.token)
            #expect(unknown.status == .unprocessableContent)

            let dry = try await client.call(.post, "/api/admin/discover-and-register", as: root.token, body: ["dry_run": true])
            #expect(dry.object["tables"] as? [String] == ["fresh"] && dry.object["dry_run"] as? Bool == true)
            #expect(try await DuckDBTableRegistryRepository(store: fixture.services.store).find(id: "fresh") == nil)
            let done = try await client.call(.post, "/api/admin/discover-and-register", as: root.token)
            #expect(done.object["registered"] as? Int == 1 && done.object["skipped"] as? Int == 3)
            #expect(done.object["errors"] as? [String] == ["fresh.csv: its table already comes from Fresh.csv"])
            let runID = try #require(done.object["run_id"] as? String)
            _ = await fixture.services.pipeline.completion(of: runID)
            #expect(try await fixture.services.analytics.generation?.servedTables()["fresh"]?.rows == 1)
        }
    }

    @Test func onlyAdminsReachTheRegistry() async throws {
        let fixture = try await ServerFixture.withTables()
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/admin/registry"), (.post, "/api/admin/register-table"),
                (.post, "/api/admin/register-table/precheck"), (.put, "/api/admin/registry/orders"),
                (.delete, "/api/admin/registry/orders"), (.get, "/api/admin/discover-tables"),
                (.post, "/api/admin/discover-and-register"),
            ] {
                let forbidden = try await client.call(method, path, as: ana, body: ["name": "x"])
                let anonymous = try await client.call(method, path, as: nil, body: ["name": "x"])
                #expect(forbidden.status == .forbidden, "\(path)")
                #expect(anonymous.status == .unauthorized, "\(path)")
            }
        }
        #expect(try await DuckDBTableRegistryRepository(store: fixture.services.store).find(id: "orders") != nil)
    }
}
