import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /api/settings` and `PUT /api/settings/dataset`.
@Suite struct SettingsRoutesTests {
    static let rowKeys: Set<String> = ["user_id", "dataset", "enabled", "table_mode", "tables", "updated_at"]

    @Test func datasetsTheCallerMayReadAreToggled() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.registerTable("orders")
        try await fixture.grantTables(["orders"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let empty = try await client.call(.get, "/api/settings", as: ana.token)
            #expect(empty.status == .ok)
            #expect(empty.object["user_id"] as? String == ana.id)
            #expect((empty.object["sync_settings"] as? [Any])?.isEmpty == true)
            for enabled in [true, false] {
                let reply = try await client.call(
                    .put, "/api/settings/dataset", as: ana.token, body: ["dataset": "orders", "enabled": enabled])
                #expect(reply.status == .ok)
                #expect(reply.object["dataset"] as? String == "orders")
                #expect(reply.object["enabled"] as? Bool == enabled)
            }
            let settings = try await client.call(.get, "/api/settings", as: ana.token)
            let rows = settings.object["sync_settings"] as? [[String: Any]] ?? []
            #expect(rows.count == 1)
            #expect(rows.first.map { Set($0.keys) } == Self.rowKeys)
            #expect(rows.first?["dataset"] as? String == "orders")
            #expect(rows.first?["enabled"] as? Bool == false)
            #expect(rows.first?["table_mode"] as? String == "all")
        }
    }

    @Test func datasetsWithoutAGrantAre403() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let root = try await fixture.admin()
        try await fixture.registerTable("payroll")
        try await fixture.application.test(.router) { client in
            let refused = try await client.call(
                .put, "/api/settings/dataset", as: ana.token, body: ["dataset": "payroll", "enabled": true])
            #expect(refused.status == .forbidden)
            #expect(refused.detail == "No access to dataset 'payroll'")
            let admin = try await client.call(
                .put, "/api/settings/dataset", as: root.token, body: ["dataset": "payroll", "enabled": true])
            #expect(admin.status == .ok)
        }
        let stored = try await DuckDBUserSyncSettingsRepository(store: fixture.services.store).list(userID: ana.id)
        #expect(stored.isEmpty)
    }

    @Test(arguments: [
        (#"{"dataset": "orders"}"#, "field required: enabled"), (#"{"enabled": true}"#, "field required: dataset"),
        (#"{"dataset": "orders", "enabled": "yes"}"#, "invalid type for enabled"), ("[", "the body is not valid JSON"),
    ])
    func badBodiesAre422(json: String, detail: String) async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.grantTables(["orders"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let reply = try await client.send(
                .put, "/api/settings/dataset", as: ana.token, contentType: "application/json", bytes: Array(json.utf8))
            #expect(reply.status == .unprocessableContent)
            #expect(reply.detail?.hasPrefix(detail) == true)
        }
    }

    @Test(arguments: [(HTTPRequest.Method.get, "/api/settings"), (.put, "/api/settings/dataset")])
    func anonymousCallersAre401(method: HTTPRequest.Method, path: String) async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(method, path, as: nil, body: ["dataset": "orders", "enabled": true])
            #expect(reply.status == .unauthorized)
        }
    }
}
