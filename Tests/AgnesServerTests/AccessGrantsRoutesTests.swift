import AgnesAuth
import AgnesCore
import AgnesServer
import AgnesStore
import DuckDB
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Grants, effective access and the access overview (`/api/admin/grants`, `…/effective-access`,
/// `/api/admin/access-overview`). Serialized for the same reason as ``AccessRoutesTests``.
@Suite(.serialized) struct AccessGrantsRoutesTests {
    @Test func grantsAreCreatedFilteredAndDeleted() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        let analysts = try await groups.create(name: "Analysts", description: nil, createdBy: nil)
        let finance = try await groups.create(name: "Finance", description: nil, createdBy: nil)
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/admin/grants", as: root.token,
                body: ["group_id": analysts.id, "resource_type": "table", "resource_id": " orders "])
            #expect(created.status == .created)
            #expect(
                Set(created.object.keys) == [
                    "id", "group_id", "group_name", "resource_type", "resource_id", "assigned_at", "assigned_by",
                ])
            #expect(created.object["group_name"] as? String == "Analysts")
            #expect(created.object["resource_id"] as? String == "orders")
            #expect(created.object["assigned_by"] as? String == "root@example.com")
            let grantID = try #require(created.object["id"] as? String)
            for (group, type, id) in [
                (finance.id, "table", "orders"), (finance.id, "memory_domain", "finance"),
                (analysts.id, "marketplace_plugin", "acme/sql-helper"),
            ] {
                let reply = try await client.call(
                    .post, "/api/admin/grants", as: root.token,
                    body: ["group_id": group, "resource_type": type, "resource_id": id])
                #expect(reply.status == .created)
            }
            let all = try await client.call(.get, "/api/admin/grants", as: root.token)
            #expect(all.array.count == 4)
            let tables = try await client.call(.get, "/api/admin/grants?resource_type=table", as: root.token)
            #expect(Set(tables.array.compactMap { $0["group_name"] as? String }) == ["Analysts", "Finance"])
            let financeTables = try await client.call(
                .get, "/api/admin/grants?resource_type=table&group_id=\(finance.id)", as: root.token)
            #expect(financeTables.array.count == 1)
            let blankFilter = try await client.call(.get, "/api/admin/grants?resource_type=", as: root.token)
            #expect(blankFilter.array.count == 4)
            let deleted = try await client.call(.delete, "/api/admin/grants/\(grantID)", as: root.token)
            #expect(deleted.status == .noContent)
            let again = try await client.call(.delete, "/api/admin/grants/\(grantID)", as: root.token)
            #expect(again.status == .notFound)
        }
        let audit = try await fixture.auditLog()
        #expect(
            audit.map(\.action) == Array(repeating: "resource_grant.created", count: 4) + ["resource_grant.deleted"])
        #expect(audit.first?.params == ["group_id": analysts.id, "resource_type": "table", "resource_id": "orders"])
        #expect(audit.last?.params == ["group_id": analysts.id, "resource_type": "table", "resource_id": "orders"])
        #expect(audit.allSatisfy { $0.resource?.hasPrefix("grant:") == true && $0.userID == root.id })
    }

    @Test func effectiveAccessShowsWhichGroupsGrantEachResource() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.user("ana@example.com")
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        let grants = DuckDBGrantRepository(store: fixture.services.store)
        let analysts = try await groups.create(name: "Analysts", description: nil, createdBy: nil)
        let finance = try await groups.create(name: "Finance", description: nil, createdBy: nil)
        let other = try await groups.create(name: "Other", description: nil, createdBy: nil)
        for group in [analysts, finance] {
            try await groups.addMember(userID: ana, groupID: group.id, source: .admin, addedBy: nil)
            _ = try await grants.grant(groupID: group.id, type: .table, resourceID: "orders", by: nil)
        }
        _ = try await grants.grant(groupID: finance.id, type: .memoryDomain, resourceID: "finance", by: nil)
        _ = try await grants.grant(groupID: other.id, type: .table, resourceID: "secret", by: nil)
        let anaToken = try await fixture.session(ana)
        try await fixture.application.test(.router) { client in
            let viaAdmin = try await client.call(.get, "/api/admin/users/\(ana)/effective-access", as: root.token)
            let viaSelf = try await client.call(.get, "/api/me/effective-access", as: anaToken)
            for reply in [viaAdmin, viaSelf] {
                #expect(reply.status == .ok)
                #expect(Set(reply.object.keys) == ["is_admin", "items"])
                #expect(reply.object["is_admin"] as? Bool == false)
                let items = try #require(reply.object["items"] as? [[String: Any]])
                #expect(items.map { $0["resource_type"] as? String } == ["memory_domain", "table"])
                #expect(items.map { $0["resource_id"] as? String } == ["finance", "orders"])
                let via = try #require(items.last?["via_groups"] as? [[String: Any]])
                #expect(via.map { $0["group_name"] as? String } == ["Analysts", "Finance"])
                #expect(via.map { $0["group_id"] as? String } == [analysts.id, finance.id])
            }
            let rootAccess = try await client.call(.get, "/api/me/effective-access", as: root.token)
            #expect(rootAccess.object["is_admin"] as? Bool == true)
            #expect((rootAccess.object["items"] as? [Any])?.isEmpty == true)
            let anonymous = try await client.call(.get, "/api/me/effective-access", as: nil)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func accessOverviewListsGroupsGrantsAndEveryGrantableResource() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let store = fixture.services.store
        let registry = DuckDBTableRegistryRepository(store: store)
        _ = try await registry.register(TableRegistration(id: "orders", name: "orders", bucket: "sales"))
        _ = try await registry.register(TableRegistration(id: "events", name: "events", queryMode: .remote))
        _ = try await registry.register(TableRegistration(id: "accounts", name: "accounts", bucket: "sales"))
        try await store.write { connection in
            try connection.run(
                "INSERT INTO marketplace_registry (id, name, url) VALUES (?, ?, ?), (?, ?, ?)",
                [
                    .varchar("acme"), .varchar("Acme"), .varchar("https://example.com/acme.git"), .varchar("empty"),
                    .varchar("Empty"), .varchar("https://example.com/empty.git"),
                ])
            try connection.run(
                "INSERT INTO marketplace_plugins (marketplace_id, name, version) VALUES (?, ?, ?)",
                [.varchar("acme"), .varchar("sql-helper"), .varchar("1.2.0")])
        }
        let admin = try await fixture.group(named: SystemGroup.admin)
        _ = try await DuckDBGrantRepository(store: store).grant(
            groupID: admin.id, type: .table, resourceID: "orders", by: nil)
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(.get, "/api/admin/access-overview", as: root.token)
            #expect(reply.status == .ok)
            #expect(Set(reply.object.keys) == ["groups", "grants", "resources"])
            let groups = try #require(reply.object["groups"] as? [[String: Any]])
            #expect(groups.allSatisfy { Set($0.keys) == AccessRoutesTests.groupKeys.subtracting(["created_at"]) })
            #expect(groups.first?["member_count"] as? Int == 1)
            #expect(groups.first?["grant_count"] as? Int == 1)
            let grants = try #require(reply.object["grants"] as? [[String: Any]])
            #expect(grants.count == 1)
            #expect(grants.allSatisfy { Set($0.keys) == ["id", "group_id", "resource_type", "resource_id"] })
            let resources = try #require(reply.object["resources"] as? [[String: Any]])
            #expect(resources.map { $0["type_key"] as? String } == ["marketplace_plugin", "table", "memory_domain"])
            #expect(
                resources.map { $0["type_display"] as? String } == ["Marketplace plugins", "Tables", "Memory domains"])
            let blocks = resources.map { $0["blocks"] as? [[String: Any]] ?? [] }
            #expect(blocks[0].map { $0["id"] as? String } == ["acme", "empty"])
            let plugin = try #require((blocks[0].first?["items"] as? [[String: Any]])?.first)
            #expect(plugin["resource_id"] as? String == "acme/sql-helper")
            #expect(plugin["version"] as? String == "1.2.0")
            #expect(plugin["category"] is NSNull)
            #expect((blocks[0].last?["items"] as? [Any])?.isEmpty == true)
            #expect(blocks[1].map { $0["name"] as? String } == ["(no bucket)", "sales"])
            let sales = try #require(blocks[1].last?["items"] as? [[String: Any]])
            #expect(sales.map { $0["resource_id"] as? String } == ["accounts", "orders"])
            #expect(sales.first?["category"] as? String == "local")
            let unbucketed = try #require(blocks[1].first?["items"] as? [[String: Any]])
            #expect(unbucketed.first?["category"] as? String == "remote")
            #expect(blocks[2].map { $0["name"] as? String } == ["Memory domains"])
            let domains = try #require(blocks[2].first?["items"] as? [[String: Any]])
            #expect(
                domains.map { $0["resource_id"] as? String } == [
                    "finance", "engineering", "product", "data", "operations", "infrastructure",
                ])
        }
    }
}
