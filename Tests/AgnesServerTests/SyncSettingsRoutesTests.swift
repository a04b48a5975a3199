import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET`/`POST /api/sync/settings` and `/api/sync/table-subscriptions`.
@Suite struct SyncSettingsRoutesTests {
    static func stored(_ fixture: ServerFixture, _ userID: String) async throws -> [UserSyncSetting] {
        try await DuckDBUserSyncSettingsRepository(store: fixture.services.store).list(userID: userID)
    }

    @Test func settingsAnswerPerDataset() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.registerTable("orders")
        try await fixture.registerTable("customers")
        try await fixture.registerTable("payroll")
        try await fixture.grantTables(["orders", "customers"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(
                .post, "/api/sync/settings", as: ana.token,
                body: ["datasets": ["orders": true, "customers": false, "payroll": true]])
            #expect(reply.status == .ok)
            let updated = reply.object["updated"] as? [String: [String: Any]] ?? [:]
            #expect(updated["orders"]?["enabled"] as? Bool == true)
            #expect(updated["customers"]?["enabled"] as? Bool == false)
            #expect(updated["payroll"]?["error"] as? String == "no permission")
            #expect(updated["payroll"]?["enabled"] == nil)
            let settings = try await client.call(.get, "/api/sync/settings", as: ana.token)
            #expect(settings.object["user_id"] as? String == ana.id)
            #expect(settings.object["enabled_datasets"] as? [String] == ["orders"])
            let rows = settings.object["settings"] as? [[String: Any]] ?? []
            #expect(rows.compactMap { $0["dataset"] as? String } == ["customers", "orders"])
        }
        #expect(try await Self.stored(fixture, ana.id).map(\.dataset) == ["customers", "orders"])
    }

    @Test func subscriptionsAreStoredWithTheirMode() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.registerTable("orders")
        try await fixture.registerTable("customers")
        try await fixture.grantTables(["orders", "customers"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(
                .post, "/api/sync/table-subscriptions", as: ana.token,
                body: ["table_mode": "explicit", "tables": ["orders": true, "customers": false]])
            #expect(reply.status == .ok)
            #expect(reply.object["table_mode"] as? String == "explicit")
            #expect(reply.object["updated"] as? Int == 2)
            let defaults = try await client.call(.post, "/api/sync/table-subscriptions", as: ana.token, body: [:])
            #expect(defaults.object["table_mode"] as? String == "all")
            #expect(defaults.object["updated"] as? Int == 0)
            let list = try await client.call(.get, "/api/sync/table-subscriptions", as: ana.token)
            #expect(list.object["user_id"] as? String == ana.id)
            let rows = list.object["subscriptions"] as? [[String: Any]] ?? []
            #expect(rows.compactMap { $0["dataset"] as? String } == ["customers", "orders"])
            #expect(rows.compactMap { $0["table_mode"] as? String } == ["explicit", "explicit"])
            #expect(rows.compactMap { $0["enabled"] as? Bool } == [false, true])
        }
    }

    @Test func subscriptionsToUnreadableOrUnknownTablesAreRefusedWhole() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let root = try await fixture.admin()
        try await fixture.registerTable("orders")
        try await fixture.registerTable("payroll")
        try await fixture.grantTables(["orders", "planned"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let secret = try await client.call(
                .post, "/api/sync/table-subscriptions", as: ana.token,
                body: ["tables": ["orders": true, "payroll": true]])
            #expect(secret.status == .forbidden)
            #expect(secret.detail == "Access denied to table 'payroll'")
            let unknown = try await client.call(
                .post, "/api/sync/table-subscriptions", as: ana.token, body: ["tables": ["nothing": true]])
            #expect(unknown.status == .forbidden)
            #expect(unknown.detail == "Access denied to table 'nothing'")
            let unregistered = try await client.call(
                .post, "/api/sync/table-subscriptions", as: ana.token, body: ["tables": ["planned": true]])
            #expect(unregistered.status == .notFound)
            #expect(unregistered.detail == "Table not found: planned")
            let admin = try await client.call(
                .post, "/api/sync/table-subscriptions", as: root.token, body: ["tables": ["nothing": true]])
            #expect(admin.status == .notFound)
            #expect(admin.detail == "Table not found: nothing")
        }
        #expect(try await Self.stored(fixture, ana.id).isEmpty)
        #expect(try await Self.stored(fixture, root.id).isEmpty)
    }

    @Test(arguments: [
        ("/api/sync/table-subscriptions", #"{"table_mode": "some"}"#, "table_mode must be 'all' or 'explicit'"),
        ("/api/sync/table-subscriptions", #"{"tables": ["orders"]}"#, "invalid type for tables"),
        ("/api/sync/table-subscriptions", #"{"tables": {"orders": "yes"}}"#, "invalid type for tables"),
        ("/api/sync/table-subscriptions", "nope", "the body is not valid JSON"),
        ("/api/sync/settings", #"{}"#, "field required: datasets"),
        ("/api/sync/settings", #"{"datasets": {"orders": 1}}"#, "invalid type for datasets"),
        ("/api/sync/settings", "", "the body is not valid JSON"),
    ])
    func badBodiesAre422(path: String, json: String, detail: String) async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.registerTable("orders")
        try await fixture.grantTables(["orders"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let reply = try await client.send(
                .post, path, as: ana.token, contentType: "application/json", bytes: Array(json.utf8))
            #expect(reply.status == .unprocessableContent)
            #expect(reply.detail?.hasPrefix(detail) == true)
        }
        #expect(try await Self.stored(fixture, ana.id).isEmpty)
    }

    @Test func tooManySubscriptionsAre422() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let tables = Dictionary(uniqueKeysWithValues: (0...500).map { ("t\($0)", true) })
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(
                .post, "/api/sync/table-subscriptions", as: root.token, body: ["tables": tables])
            #expect(reply.status == .unprocessableContent)
            #expect(reply.detail == "tables may name at most 500 tables")
        }
    }

    @Test(arguments: [
        (HTTPRequest.Method.get, "/api/sync/settings"), (.post, "/api/sync/settings"),
        (.get, "/api/sync/table-subscriptions"), (.post, "/api/sync/table-subscriptions"),
    ])
    func anonymousCallersAre401(method: HTTPRequest.Method, path: String) async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(method, path, as: nil, body: ["datasets": [:], "tables": [:]])
            #expect(reply.status == .unauthorized)
            #expect(reply.detail == "Missing or invalid Authorization header")
        }
    }
}
