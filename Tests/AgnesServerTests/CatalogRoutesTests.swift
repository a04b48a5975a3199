import AgnesCore
import AgnesData
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/catalog/tables`, `/api/catalog/profile/{table}` and its refresh. Serialized: each test syncs,
/// rebuilds and profiles real data, which competes with other suites on 2 cores.
@Suite(.serialized) struct CatalogRoutesTests {
    @Test func tablesListsTheRegistryFilteredByGrants() async throws {
        let fixture = try await ServerFixture.fast()
        let callers = try await fixture.catalogData()
        try await fixture.application.test(.router) { client in
            let all = try await client.call(.get, "/api/catalog/tables", as: callers.admin)
            #expect(all.status == .ok)
            let tables = try #require(all.object["tables"] as? [[String: Any]])
            #expect(all.object["count"] as? Int == 3)
            #expect(Set(tables.compactMap { $0["id"] as? String }) == ["bq_events", "orders", "secret"])
            let orders = try #require(tables.first { $0["id"] as? String == "orders" })
            #expect(Set(orders.keys) == ["id", "name", "description", "source_type", "sync_strategy", "query_mode"])
            #expect(orders["description"] as? String == "Local file orders.csv")
            #expect(orders["source_type"] as? String == "local" && orders["query_mode"] as? String == "local")
            #expect(orders["sync_strategy"] as? String == "full_refresh")
            let remote = try #require(tables.first { $0["id"] as? String == "bq_events" })
            #expect(remote["description"] is NSNull && remote["query_mode"] as? String == "remote")
            let mine = try await client.call(.get, "/api/catalog/tables", as: callers.analyst)
            #expect((mine.object["tables"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["orders"])
            #expect(mine.object["count"] as? Int == 1)
            let anonymous = try await client.call(.get, "/api/catalog/tables", as: nil)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func aProfileIsServedWithProfiledAtToReadersOnly() async throws {
        let fixture = try await ServerFixture.fast()
        let callers = try await fixture.catalogData()
        let legacy = fixture.root.appendingPathComponent("src_data/metadata")
        try FileManager.default.createDirectory(at: legacy, withIntermediateDirectories: true)
        try #"{"tables": {"old_table": {"table_id": "old_table", "row_count": 9}}}"#.write(
            to: legacy.appendingPathComponent("profiles.json"), atomically: true, encoding: .utf8)
        try await fixture.application.test(.router) { client in
            let profile = try await client.call(.get, "/api/catalog/profile/orders", as: callers.analyst)
            #expect(profile.status == .ok)
            #expect(profile.object["table_id"] as? String == "orders" && profile.object["row_count"] as? Int == 5)
            #expect(profile.object["profiled_at"] is String)
            #expect((profile.object["columns"] as? [[String: Any]])?.count == 4)
            #expect(profile.object["description"] as? String == "Local file orders.csv")
            for table in ["secret", "nope", "old_table"] {
                let denied = try await client.call(.get, "/api/catalog/profile/\(table)", as: callers.analyst)
                #expect(denied.status == .forbidden)
                #expect(denied.detail == "Access denied to table '\(table)'")
            }
            let missing = try await client.call(.get, "/api/catalog/profile/nope", as: callers.admin)
            #expect(missing.status == .notFound && missing.detail == "Profile not found for 'nope'")
            let remote = try await client.call(.get, "/api/catalog/profile/bq_events", as: callers.admin)
            #expect(remote.status == .notFound && remote.detail == "Profile not found for 'bq_events'")
            let old = try await client.call(.get, "/api/catalog/profile/old_table", as: callers.admin)
            #expect(old.status == .ok && old.object["row_count"] as? Int == 9)
            let anonymous = try await client.call(.get, "/api/catalog/profile/orders", as: nil)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func refreshReprofilesTheServedFileForReaders() async throws {
        let fixture = try await ServerFixture.fast()
        let callers = try await fixture.catalogData()
        let profiles = DuckDBTableProfileRepository(store: fixture.services.store)
        let before = try #require(try await profiles.find(tableID: "orders")?.profiledAt)
        try await fixture.application.test(.router) { client in
            let refreshed = try await client.call(.post, "/api/catalog/profile/orders/refresh", as: callers.analyst)
            #expect(refreshed.status == .ok)
            #expect(refreshed.object["status"] as? String == "ok" && refreshed.object["table"] as? String == "orders")
            #expect(refreshed.object["columns"] as? Int == 4)
            for table in ["secret", "nope"] {
                let denied = try await client.call(.post, "/api/catalog/profile/\(table)/refresh", as: callers.analyst)
                #expect(denied.status == .forbidden && denied.detail == "Access denied to table '\(table)'")
            }
            for table in ["bq_events", "nope"] {
                let missing = try await client.call(.post, "/api/catalog/profile/\(table)/refresh", as: callers.admin)
                #expect(missing.status == .notFound && missing.detail == "No parquet for '\(table)'")
            }
            let anonymous = try await client.call(.post, "/api/catalog/profile/orders/refresh", as: nil)
            #expect(anonymous.status == .unauthorized)
        }
        let after = try #require(try await profiles.find(tableID: "orders")?.profiledAt)
        #expect(after > before)
    }

    @Test func aFailedRefreshAnswers500WithTheReason() async throws {
        let fixture = try await ServerFixture.fast()
        let callers = try await fixture.catalogData()
        let served = try await #require(fixture.services.analytics.generation).servedTables()
        try Data(repeating: 0x2A, count: 32).write(to: try #require(served["secret"]?.file))
        try await fixture.application.test(.router) { client in
            let failed = try await client.call(.post, "/api/catalog/profile/secret/refresh", as: callers.admin)
            #expect(failed.status == .internalServerError)
            #expect(failed.detail?.hasPrefix("Profile failed: ") == true)
            #expect((failed.detail?.count ?? 0) > "Profile failed: ".count)
        }
    }

    @Test func profilesFollowSyncsInTheBackgroundForChangedTablesOnly() async throws {
        let fixture = try await ServerFixture.fast()
        _ = try await fixture.catalogData()
        let profiles = DuckDBTableProfileRepository(store: fixture.services.store)
        #expect(try await profiles.list().map(\.tableID) == ["orders", "secret"])
        let secret = try #require(try await profiles.find(tableID: "secret"))
        try await fixture.resync("orders.csv", ServerFixture.ordersCSV + "6,paid,1,2024-06-01\n")
        let orders = try #require(try await profiles.find(tableID: "orders"))
        let document = try JSONSerialization.jsonObject(with: Data(orders.profileJSON.utf8)) as? [String: Any]
        #expect(document?["row_count"] as? Int == 6)
        #expect(try await profiles.find(tableID: "secret") == secret)
        #expect(fixture.services.profiling.failures.isEmpty)
    }
}
