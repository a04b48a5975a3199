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

/// Serialized: dozens of stores built at once compete on 2 cores with other suites' time-limited tests.
@Suite(.serialized) struct AccessRoutesTests {
    static let groupKeys: Set<String> = [
        "id", "name", "description", "is_system", "origin", "created_at", "created_by", "member_count", "grant_count",
        "is_google_managed", "mapped_email",
    ]
    static let unknownType =
        "Unknown resource_type 'bogus'. Known types: ['marketplace_plugin', 'table', 'memory_domain']"
    static let googleManagedMessage =
        "This group is managed by Google Workspace and is read-only here. Add or remove members via admin.google.com, or sign in again to refresh."

    @Test func resourceTypesListsTheThreeGrantableTypes() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(.get, "/api/admin/resource-types", as: root.token)
            #expect(reply.status == .ok)
            #expect(reply.array.map { $0["key"] as? String } == ["marketplace_plugin", "table", "memory_domain"])
            #expect(
                reply.array.map { $0["id_format"] as? String } == [
                    "<marketplace_slug>/<plugin_name>", "<table_id>", "<domain>",
                ])
            #expect(reply.array.allSatisfy { Set($0.keys) == ["key", "display_name", "description", "id_format"] })
        }
    }

    @Test func groupsAreCreatedShownRenamedAndDeletedWithAudit() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/admin/groups", as: root.token, body: ["name": "  Analysts ", "description": "Data people"])
            #expect(created.status == .created)
            #expect(Set(created.object.keys) == Self.groupKeys)
            #expect(created.object["name"] as? String == "Analysts")
            #expect(created.object["origin"] as? String == "custom")
            #expect(created.object["created_by"] as? String == "root@example.com")
            #expect(created.object["is_google_managed"] as? Bool == false)
            #expect(created.object["mapped_email"] is NSNull)
            let id = try #require(created.object["id"] as? String)
            let list = try await client.call(.get, "/api/admin/groups", as: root.token)
            #expect(list.array.map { $0["name"] as? String } == ["Admin", "Everyone", "Analysts"])
            #expect(list.array.first?["origin"] as? String == "system")
            #expect(list.array.first?["member_count"] as? Int == 1)
            let renamed = try await client.call(
                .patch, "/api/admin/groups/\(id)", as: root.token, body: ["name": "Analytics"])
            #expect(renamed.status == .ok)
            #expect(renamed.object["name"] as? String == "Analytics")
            #expect(renamed.object["description"] as? String == "Data people")
            let described = try await client.call(
                .patch, "/api/admin/groups/\(try await fixture.group(named: "Admin").id)", as: root.token,
                body: ["name": "Admin", "description": "The operators"])
            #expect(described.status == .ok)
            #expect(described.object["description"] as? String == "The operators")
            let shown = try await client.call(.get, "/api/admin/groups/\(id)", as: root.token)
            #expect(shown.object["name"] as? String == "Analytics")
            let deleted = try await client.call(.delete, "/api/admin/groups/\(id)", as: root.token)
            #expect(deleted.status == .noContent)
            let gone = try await client.call(.get, "/api/admin/groups/\(id)", as: root.token)
            #expect(gone.status == .notFound)
            #expect(gone.detail == "Group not found")
        }
        let audit = try await fixture.auditLog()
        #expect(
            audit.map(\.action) == [
                "user_group.created", "user_group.updated", "user_group.updated", "user_group.deleted",
            ])
        #expect(audit.map { $0.params ?? [:] }[0...1] == [["name": "Analysts"], ["name": "Analytics"]])
        #expect(audit.allSatisfy { $0.userID == root.id && $0.resource?.hasPrefix("group:") == true })
    }

    /// Refused requests: method, path, body, status and detail; `{name}` stands for an id of the world
    /// ``refusedRequestsAnswerTheirDetailAndChangeNothing(area:)`` builds.
    static let refusals: [(HTTPRequest.Method, String, String, Int, String)] = [
        (HTTPRequest.Method.post, "/api/admin/groups", #"{"name": "  "}"#, 400, "Group name is required"),
        (.post, "/api/admin/groups", #"{"name": "Analysts"}"#, 409, "Group 'Analysts' already exists"),
        (.post, "/api/admin/groups", #"{"description": "x"}"#, 400, "Group name is required"),
        (.patch, "/api/admin/groups/{admin}", #"{"name": "Root"}"#, 409, "System groups cannot be renamed"),
        (.patch, "/api/admin/groups/{analysts}", #"{"name": "Everyone"}"#, 409, "Group 'Everyone' already exists"),
        (.patch, "/api/admin/groups/{analysts}", #"{"name": ""}"#, 400, "Group name is required"),
        (.delete, "/api/admin/groups/{everyone}", "", 409, "Cannot delete a system group"),
        (.delete, "/api/admin/groups/{admin}", "", 409, "Cannot delete a system group"),
        (.get, "/api/admin/groups/nope", "", 404, "Group not found"),
        (.patch, "/api/admin/groups/nope", #"{"name": "x"}"#, 404, "Group not found"),
        (.delete, "/api/admin/groups/nope", "", 404, "Group not found"),
        (.get, "/api/admin/groups/nope/members", "", 404, "Group not found"),
        (.post, "/api/admin/groups/nope/members", #"{"email": "root@example.com"}"#, 404, "Group not found"),
        (.delete, "/api/admin/groups/nope/members/x", "", 404, "Group not found"),
        (
            .post, "/api/admin/groups/{analysts}/members", #"{"email": "ghost@example.com"}"#, 404,
            "User 'ghost@example.com' not found"
        ),
        (.post, "/api/admin/groups/{analysts}/members", #"{"email": "ana@example.com"}"#, 409, "User already a member"),
        (.post, "/api/admin/groups/{analysts}/members", #"{}"#, 422, "field required: email"),
        (
            .delete, "/api/admin/groups/{everyone}/members/{ana}", "", 404,
            "No admin-managed membership for this user in this group"
        ),
        (
            .delete, "/api/admin/groups/{analysts}/members/{root}", "", 404,
            "No admin-managed membership for this user in this group"
        ),
        (.get, "/api/admin/users/nope/memberships", "", 404, "User not found"),
        (.post, "/api/admin/users/nope/memberships", #"{"group_id": "x"}"#, 404, "User not found"),
        (.post, "/api/admin/users/{ana}/memberships", #"{"group_id": "nope"}"#, 404, "Group not found"),
        (.post, "/api/admin/users/{ana}/memberships", #"{"group_id": "{analysts}"}"#, 409, "Already a member"),
        (.delete, "/api/admin/users/{ana}/memberships/nope", "", 404, "Group not found"),
        (
            .delete, "/api/admin/users/{ana}/memberships/{everyone}", "", 404,
            "No admin-managed membership for this user in this group"
        ),
        (.get, "/api/admin/grants?resource_type=bogus", "", 400, AccessRoutesTests.unknownType),
        (
            .post, "/api/admin/grants", #"{"group_id": "{analysts}", "resource_type": "bogus", "resource_id": "x"}"#,
            400, AccessRoutesTests.unknownType
        ),
        (
            .post, "/api/admin/grants", #"{"group_id": "{analysts}", "resource_type": "table", "resource_id": " "}"#,
            400, "resource_id is required"
        ),
        (
            .post, "/api/admin/grants", #"{"group_id": "nope", "resource_type": "table", "resource_id": "orders"}"#,
            404, "Group not found"
        ),
        (
            .post, "/api/admin/grants",
            #"{"group_id": "{analysts}", "resource_type": "table", "resource_id": "orders"}"#,
            409, "Grant already exists for this group/resource_type/resource_id"
        ),
        (.post, "/api/admin/grants", #"{"group_id": "{analysts}"}"#, 422, "field required: resource_type"),
        (.delete, "/api/admin/grants/nope", "", 404, "Grant not found"),
        (.get, "/api/admin/users/nope/effective-access", "", 404, "User not found"),
    ]

    /// Which part of the API a refusal belongs to.
    static func area(of path: String) -> String {
        if path.contains("/members") { return "members" }
        if path.hasPrefix("/api/admin/users/") { return "memberships" }
        if path.hasPrefix("/api/admin/grants") { return "grants" }
        return "groups"
    }

    /// One store per area (not per case): every case is refused, so the world stays as built, which
    /// each case checks.
    @Test(arguments: ["groups", "members", "memberships", "grants"])
    func refusedRequestsAnswerTheirDetailAndChangeNothing(area: String) async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.user("ana@example.com")
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        let analysts = try await groups.create(name: "Analysts", description: nil, createdBy: "root@example.com")
        try await groups.addMember(userID: ana, groupID: analysts.id, source: .admin, addedBy: nil)
        let everyone = try await fixture.group(named: SystemGroup.everyone)
        try await groups.addMember(userID: ana, groupID: everyone.id, source: .systemSeed, addedBy: nil)
        _ = try await DuckDBGrantRepository(store: fixture.services.store).grant(
            groupID: analysts.id, type: .table, resourceID: "orders", by: nil)
        let names = [
            "{admin}": try await fixture.group(named: SystemGroup.admin).id, "{everyone}": everyone.id,
            "{analysts}": analysts.id, "{ana}": ana, "{root}": root.id,
        ]
        let resolve: @Sendable (String) -> String = { text in
            names.reduce(text) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        }
        let before = try await fixture.snapshot()
        let cases = Self.refusals.filter { Self.area(of: $0.1) == area }
        #expect(!cases.isEmpty)
        try await fixture.application.test(.router) { client in
            for (method, path, body, status, detail) in cases {
                try await client.execute(
                    uri: resolve(path), method: method, headers: JSONRequest.bearer(root.token),
                    body: body.isEmpty ? nil : ByteBuffer(string: resolve(body))
                ) { response in
                    #expect(response.status.code == status, "\(method) \(path) \(body)")
                    #expect(ServerFixture.detail(response.body) == detail, "\(method) \(path) \(body)")
                }
                let after = try await fixture.snapshot()
                #expect(after == before, "\(method) \(path) \(body)")
            }
        }
    }

    @Test func deletingAGroupRemovesItsMembersAndGrantsTogether() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.user("ana@example.com")
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        let analysts = try await groups.create(name: "Analysts", description: nil, createdBy: nil)
        try await groups.addMember(userID: ana, groupID: analysts.id, source: .admin, addedBy: nil)
        let grants = DuckDBGrantRepository(store: fixture.services.store)
        _ = try await grants.grant(groupID: analysts.id, type: .table, resourceID: "orders", by: nil)
        _ = try await grants.grant(groupID: analysts.id, type: .memoryDomain, resourceID: "finance", by: nil)
        try await fixture.application.test(.router) { client in
            let listed = try await client.call(.get, "/api/admin/groups/\(analysts.id)", as: root.token)
            #expect(listed.object["member_count"] as? Int == 1)
            #expect(listed.object["grant_count"] as? Int == 2)
            let deleted = try await client.call(.delete, "/api/admin/groups/\(analysts.id)", as: root.token)
            #expect(deleted.status == .noContent)
        }
        let snapshot = try await fixture.snapshot()
        #expect(!snapshot.memberships.contains { $0.groupID == analysts.id })
        #expect(snapshot.grants.isEmpty)
        #expect(!snapshot.groups.contains { $0.id == analysts.id })
        #expect(try await fixture.auditLog().last?.params == ["name": "Analysts"])
    }

    @Test func googleManagedGroupsAreReadOnly() async throws {
        let fixture = try await ServerFixture(
            settings: { AgnesSettings(dataDir: $0, environment: ["AGNES_GROUP_ADMIN_EMAIL": " admins@example.com "]) },
            hasher: PasswordHasher(cost: 4))
        let root = try await fixture.admin()
        let ana = try await fixture.user("ana@example.com")
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        let team = try await groups.create(
            name: "team@example.com", description: nil, createdBy: WorkspaceGroupMapping.googleSyncCreator)
        try await groups.addMember(userID: ana, groupID: team.id, source: .googleSync, addedBy: nil)
        let admin = try await fixture.group(named: SystemGroup.admin)
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            let list = try await client.call(.get, "/api/admin/groups", as: root.token).array
            let byName = Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "", $0) })
            #expect(byName["Admin"]?["origin"] as? String == "google_sync")
            #expect(byName["Admin"]?["is_google_managed"] as? Bool == true)
            #expect(byName["Admin"]?["mapped_email"] as? String == "admins@example.com")
            #expect(byName["Everyone"]?["origin"] as? String == "system")
            #expect(byName["Everyone"]?["is_google_managed"] as? Bool == false)
            #expect(byName["team@example.com"]?["origin"] as? String == "google_sync")
            #expect(byName["team@example.com"]?["mapped_email"] is NSNull)
            for group in [team.id, admin.id] {
                for (method, path, body) in [
                    (HTTPRequest.Method.patch, "/api/admin/groups/\(group)", ["description": "x"]),
                    (.delete, "/api/admin/groups/\(group)", nil),
                    (.post, "/api/admin/groups/\(group)/members", ["email": "root@example.com"]),
                    (.delete, "/api/admin/groups/\(group)/members/\(ana)", nil),
                    (.post, "/api/admin/users/\(root.id)/memberships", ["group_id": group]),
                    (.delete, "/api/admin/users/\(root.id)/memberships/\(group)", nil),
                ] as [(HTTPRequest.Method, String, [String: Any?]?)] {
                    let reply = try await client.call(method, path, as: root.token, body: body)
                    #expect(reply.status == .conflict, "\(method) \(path)")
                    let detail = reply.object["detail"] as? [String: Any]
                    #expect(detail?["code"] as? String == "google_managed_readonly")
                    #expect(detail?["message"] as? String == Self.googleManagedMessage)
                }
            }
        }
        #expect(try await fixture.snapshot() == before)
    }

    @Test func membersAreAddedByEmailListedAndRemoved() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let bo = try await fixture.user("bo@example.com")
        let analysts = try await DuckDBGroupRepository(store: fixture.services.store).create(
            name: "Analysts", description: nil, createdBy: nil)
        try await fixture.application.test(.router) { client in
            let added = try await client.call(
                .post, "/api/admin/groups/\(analysts.id)/members", as: root.token, body: ["email": " BO@example.com "])
            #expect(added.status == .created)
            #expect(
                Set(added.object.keys) == ["user_id", "email", "name", "active", "source", "added_at", "added_by"])
            #expect(added.object["user_id"] as? String == bo)
            #expect(added.object["source"] as? String == "admin")
            #expect(added.object["added_by"] as? String == "root@example.com")
            #expect(added.object["added_at"] as? String != nil)
            let members = try await client.call(.get, "/api/admin/groups/\(analysts.id)/members", as: root.token)
            #expect(members.array.map { $0["email"] as? String } == ["bo@example.com"])
            let removed = try await client.call(
                .delete, "/api/admin/groups/\(analysts.id)/members/\(bo)", as: root.token)
            #expect(removed.status == .noContent)
            let empty = try await client.call(.get, "/api/admin/groups/\(analysts.id)/members", as: root.token)
            #expect(empty.array.isEmpty)
        }
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == ["user_group.member_added", "user_group.member_removed"])
        #expect(audit.first?.params == ["user_email": "bo@example.com", "user_id": bo])
        #expect(audit.last?.params == ["user_id": bo])
        #expect(audit.allSatisfy { $0.resource == "group:\(analysts.id)" })
    }

    @Test func userCentricMembershipsMirrorTheGroupSide() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let bo = try await fixture.user("bo@example.com")
        let analysts = try await DuckDBGroupRepository(store: fixture.services.store).create(
            name: "Analysts", description: nil, createdBy: nil)
        try await fixture.application.test(.router) { client in
            let added = try await client.call(
                .post, "/api/admin/users/\(bo)/memberships", as: root.token, body: ["group_id": analysts.id])
            #expect(added.status == .created)
            #expect(
                Set(added.object.keys) == [
                    "group_id", "group_name", "is_system", "origin", "source", "added_at", "added_by",
                ])
            #expect(added.object["group_name"] as? String == "Analysts")
            #expect(added.object["origin"] as? String == "custom")
            #expect(added.object["source"] as? String == "admin")
            let listed = try await client.call(.get, "/api/admin/users/\(bo)/memberships", as: root.token)
            #expect(listed.array.map { $0["group_id"] as? String } == [analysts.id])
            let rootGroups = try await client.call(.get, "/api/admin/users/\(root.id)/memberships", as: root.token)
            #expect(rootGroups.array.first?["group_name"] as? String == "Admin")
            #expect(rootGroups.array.first?["origin"] as? String == "system")
            let removed = try await client.call(
                .delete, "/api/admin/users/\(bo)/memberships/\(analysts.id)", as: root.token)
            #expect(removed.status == .noContent)
        }
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == ["user_group.member_added", "user_group.member_removed"])
        #expect(audit.allSatisfy { $0.resource == "user:\(bo)" })
        #expect(audit.first?.params == ["group_id": analysts.id, "group_name": "Analysts"])
    }

    @Test func theLastActiveAdminCannotLeaveTheAdminGroup() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let off = try await fixture.user("off@example.com", admin: true, active: false)
        let admin = try await fixture.group(named: SystemGroup.admin)
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            for path in [
                "/api/admin/groups/\(admin.id)/members/\(root.id)",
                "/api/admin/users/\(root.id)/memberships/\(admin.id)",
            ] {
                let reply = try await client.call(.delete, path, as: root.token)
                #expect(reply.status == .conflict)
                #expect(
                    reply.detail == "Cannot remove the last admin — at least one user must remain in the Admin group")
            }
            #expect(try await fixture.snapshot() == before)
            // A deactivated admin's membership is not what keeps the system manageable.
            let inactive = try await client.call(
                .delete, "/api/admin/groups/\(admin.id)/members/\(off)", as: root.token)
            #expect(inactive.status == .noContent)
            let second = try await fixture.user("second@example.com", admin: true)
            let leaves = try await client.call(
                .delete, "/api/admin/groups/\(admin.id)/members/\(root.id)", as: root.token)
            #expect(leaves.status == .noContent)
            let secondToken = try await fixture.session(second)
            let stays = try await client.call(
                .delete, "/api/admin/groups/\(admin.id)/members/\(second)", as: secondToken)
            #expect(stays.status == .conflict)
        }
    }

    static let adminRoutes: [(HTTPRequest.Method, String)] = [
        (.get, "/api/admin/resource-types"), (.get, "/api/admin/access-overview"), (.get, "/api/admin/groups"),
        (.post, "/api/admin/groups"), (.get, "/api/admin/groups/{g}"), (.patch, "/api/admin/groups/{g}"),
        (.delete, "/api/admin/groups/{g}"), (.get, "/api/admin/groups/{g}/members"),
        (.post, "/api/admin/groups/{g}/members"), (.delete, "/api/admin/groups/{g}/members/{u}"),
        (.get, "/api/admin/grants"), (.post, "/api/admin/grants"), (.delete, "/api/admin/grants/{grant}"),
        (.get, "/api/admin/users/{u}/memberships"), (.post, "/api/admin/users/{u}/memberships"),
        (.delete, "/api/admin/users/{u}/memberships/{g}"), (.get, "/api/admin/users/{u}/effective-access"),
    ]

    @Test(arguments: adminRoutes)
    func nonAdminsGet403AndAnonymousCallers401(method: HTTPRequest.Method, path: String) async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.user("ana@example.com")
        let token = try await fixture.session(ana)
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        let analysts = try await groups.create(name: "Analysts", description: nil, createdBy: nil)
        try await groups.addMember(userID: ana, groupID: analysts.id, source: .admin, addedBy: nil)
        let grant = try await DuckDBGrantRepository(store: fixture.services.store).grant(
            groupID: analysts.id, type: .table, resourceID: "orders", by: nil)
        let uri = path.replacingOccurrences(of: "{g}", with: analysts.id).replacingOccurrences(of: "{u}", with: ana)
            .replacingOccurrences(of: "{grant}", with: grant.id)
        let groupID = analysts.id
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            let body: [String: Any?] = [
                "name": "x", "email": "ana@example.com", "group_id": groupID, "resource_type": "table",
                "resource_id": "x",
            ]
            let forbidden = try await client.call(method, uri, as: token, body: body)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.detail == "Admin access required")
            let anonymous = try await client.call(method, uri, as: nil, body: body)
            #expect(anonymous.status == .unauthorized)
        }
        #expect(try await fixture.snapshot() == before)
    }
}
