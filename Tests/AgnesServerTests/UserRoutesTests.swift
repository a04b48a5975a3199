import AgnesAuth
import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A response's status and its body parsed as JSON (nil when empty).
struct Reply {
    let status: HTTPResponse.Status
    let json: Any?

    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    /// A string `detail`.
    var detail: String? { object["detail"] as? String }
}

extension TestClientProtocol {
    /// Sends a JSON request with an optional bearer token.
    func call(_ method: HTTPRequest.Method, _ uri: String, as token: String?, body: [String: Any?]? = nil)
        async throws -> Reply
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await executeRequest(
            uri: uri, method: method, headers: headers, body: body.map { JSONRequest.body($0) })
        let data = Data(response.body.readableBytesView)
        return Reply(status: response.status, json: data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }
}

/// Everything the admin routes may change, to show that a refused request changed nothing.
struct StoreSnapshot: Equatable {
    let users: [User]
    let memberships: [Membership]
    let groups: [Group]
    let grants: [ResourceGrant]
    let auditActions: [String]
}

extension ServerFixture {
    /// An admin and their session token.
    func admin(_ email: String = "root@example.com") async throws -> (id: String, token: String) {
        let id = try await user(email, admin: true)
        return (id, try await session(id))
    }

    func snapshot() async throws -> StoreSnapshot {
        let store = services.store
        return StoreSnapshot(
            users: try await DuckDBUserRepository(store: store).list(),
            memberships: try await DuckDBGroupRepository(store: store).allMemberships(),
            groups: try await DuckDBGroupRepository(store: store).list(),
            grants: try await DuckDBGrantRepository(store: store).list(groupID: nil, type: nil),
            auditActions: try await auditLog().map(\.action))
    }

    func auditLog() async throws -> [AuditEntry] {
        try await DuckDBAuditLogRepository(store: services.store).entries(matching: AuditLogFilter()).reversed()
    }

    func group(named name: String) async throws -> Group {
        try #require(try await DuckDBGroupRepository(store: services.store).find(name: name))
    }

    func stored(_ id: String) async throws -> User {
        try #require(try await DuckDBUserRepository(store: services.store).find(id: id))
    }
}

/// Serialized: dozens of stores built at once compete on 2 cores with other suites' time-limited tests.
@Suite(.serialized) struct UserRoutesTests {
    static let userKeys: Set<String> = [
        "id", "email", "name", "role", "is_admin", "is_sso_user", "groups", "active", "created_at", "deactivated_at",
        "invite_url", "invite_email_sent",
    ]

    @Test func listAndShowAnswerTheUserResponseShape() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.user("ana@example.com")
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        let analysts = try await groups.create(name: "Analysts", description: nil, createdBy: "root@example.com")
        try await groups.addMember(userID: ana, groupID: analysts.id, source: .admin, addedBy: nil)
        try await fixture.application.test(.router) { client in
            let list = try await client.call(.get, "/api/users", as: root.token)
            #expect(list.status == .ok)
            #expect(list.array.map { $0["email"] as? String } == ["ana@example.com", "root@example.com"])
            #expect(list.array.allSatisfy { Set($0.keys) == Self.userKeys })
            let rootView = try #require(list.array.last)
            #expect(rootView["role"] as? String == "admin")
            #expect(rootView["is_admin"] as? Bool == true)
            #expect(rootView["invite_url"] is NSNull)
            let shown = try await client.call(.get, "/api/users/\(ana)", as: root.token)
            #expect(shown.status == .ok)
            #expect(shown.object["role"] as? String == "user")
            #expect(shown.object["is_sso_user"] as? Bool == false)
            #expect(shown.object["active"] as? Bool == true)
            #expect(shown.object["deactivated_at"] is NSNull)
            #expect((shown.object["created_at"] as? String)?.isEmpty == false)
            let brief = try #require((shown.object["groups"] as? [[String: Any]])?.first)
            #expect(brief["name"] as? String == "Analysts")
            #expect(brief["origin"] as? String == "custom")
            #expect(brief["is_system"] as? Bool == false)
            let missing = try await client.call(.get, "/api/users/nobody", as: root.token)
            #expect(missing.status == .notFound)
            #expect(missing.detail == "User not found")
        }
    }

    @Test func createNormalisesTheEmailGivesNoGroupsAndAudits() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/users", as: root.token, body: ["email": "  Ana@Example.COM ", "name": " Ana "])
            #expect(created.status == .created)
            #expect(Set(created.object.keys) == Self.userKeys)
            #expect(created.object["email"] as? String == "ana@example.com")
            #expect(created.object["name"] as? String == "Ana")
            #expect((created.object["groups"] as? [Any])?.isEmpty == true)
            #expect(created.object["invite_url"] is NSNull)
            #expect(created.object["invite_email_sent"] is NSNull)
            let id = try #require(created.object["id"] as? String)
            let user = try await fixture.stored(id)
            #expect(user.passwordHash == nil)
            #expect(user.setupToken == nil)
            let unnamed = try await client.call(
                .post, "/api/users", as: root.token, body: ["email": "bo@example.com", "name": ""])
            #expect(unnamed.object["name"] as? String == "bo")
        }
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == ["user.create", "user.create"])
        #expect(audit.first?.userID == root.id)
        #expect(audit.first?.params == ["email": "ana@example.com"])
        #expect(audit.first?.resource?.hasPrefix("user:") == true)
    }

    @Test func createWithAnInviteIssuesASetupLink() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/users", as: root.token,
                body: ["email": "ana@example.com", "name": "Ana", "send_invite": true])
            #expect(created.status == .created)
            #expect(created.object["invite_email_sent"] as? Bool == false)  // no mail transport configured
            let url = try #require(created.object["invite_url"] as? String)
            let components = try #require(URLComponents(string: url))
            #expect(components.path == "/auth/password/setup")
            let token = try #require(components.queryItems?.first { $0.name == "token" }?.value)
            #expect(components.queryItems?.first { $0.name == "email" }?.value == "ana@example.com")
            let user = try await fixture.stored(try #require(created.object["id"] as? String))
            #expect(user.setupToken == OneTimeToken.hash(token))
            let audit = try await fixture.auditLog()
            #expect(audit.map(\.action) == ["user.create", "user.invite"])
            #expect(audit.last?.params == ["email": "ana@example.com", "email_sent": "false"])
            #expect(!audit.contains { entry in entry.params?.values.contains { $0.contains(token) } == true })
        }
    }

    @Test(arguments: [
        (#"{"email": "not-an-email", "name": "x"}"#, 422, "a valid email is required"),
        (#"{"email": "a@b@example.com", "name": "x"}"#, 422, "a valid email is required"),
        (#"{"email": "ana @example.com", "name": "x"}"#, 422, "a valid email is required"),
        (#"{"email": "ana@example..com", "name": "x"}"#, 422, "a valid email is required"),
        (#"{"email": "@example.com", "name": "x"}"#, 422, "a valid email is required"),
        (#"{"email": "ANA@example.com", "name": "x"}"#, 409, "User with this email already exists"),
        (#"{"email": "bo@example.com"}"#, 422, "field required: name"),
        (#"{"email": "bo@example.com", "name": "x", "send_invite": "yes"}"#, 422, nil),
    ])
    func invalidCreatesAreRefusedAndChangeNothing(body: String, status: Int, detail: String?) async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        _ = try await fixture.user("ana@example.com")
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/users", method: .post, headers: JSONRequest.bearer(root.token),
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status.code == status)
                let text = ServerFixture.detail(response.body)
                #expect(text != nil)
                if let detail { #expect(text == detail) }
            }
        }
        let after = try await fixture.snapshot()
        #expect(after == before)
    }

    @Test func patchRenamesDeactivatesAndActivates() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.user("ana@example.com")
        let anaSession = try await fixture.session(ana)
        try await fixture.application.test(.router) { client in
            let renamed = try await client.call(.patch, "/api/users/\(ana)", as: root.token, body: ["name": "Ana B"])
            #expect(renamed.status == .ok)
            #expect(renamed.object["name"] as? String == "Ana B")
            let off = try await client.call(.patch, "/api/users/\(ana)", as: root.token, body: ["active": false])
            #expect(off.object["active"] as? Bool == false)
            #expect(off.object["deactivated_at"] as? String != nil)
            #expect(try await fixture.stored(ana).deactivatedBy == root.id)
            let locked = try await client.call(.get, "/api/me/effective-access", as: anaSession)
            #expect(locked.status == .unauthorized)
            #expect(locked.detail == "Account deactivated")
            let on = try await client.call(.post, "/api/users/\(ana)/activate", as: root.token)
            #expect(on.status == .ok)
            #expect(on.object["active"] as? Bool == true)
            #expect(on.object["deactivated_at"] is NSNull)
            let again = try await client.call(.post, "/api/users/\(ana)/deactivate", as: root.token)
            #expect(again.object["active"] as? Bool == false)
            let blank = try await client.call(.patch, "/api/users/\(ana)", as: root.token, body: ["name": "  "])
            #expect(blank.status == .badRequest)
            #expect(blank.detail == "Name cannot be blank")
            let nothing = try await client.call(.patch, "/api/users/\(ana)", as: root.token, body: [:])
            #expect(nothing.status == .ok)
            for (method, path) in [
                (HTTPRequest.Method.patch, "/api/users/nobody"), (.post, "/api/users/nobody/activate"),
                (.post, "/api/users/nobody/deactivate"),
            ] {
                let missing = try await client.call(method, path, as: root.token, body: ["active": false])
                #expect(missing.status == .notFound)
                #expect(missing.detail == "User not found")
            }
        }
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == ["user.update", "user.update", "user.update", "user.update"])
        #expect(
            audit.map { $0.params ?? [:] } == [
                ["name": "Ana B"], ["active": "false"], ["active": "true"], ["active": "false"],
            ])
    }

    @Test func adminsCannotDeactivateOrDeleteThemselves() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        _ = try await fixture.admin("second@example.com")
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            for (method, path, body, detail) in [
                (HTTPRequest.Method.patch, "/api/users/\(root.id)", ["active": false], "Cannot deactivate yourself"),
                (.post, "/api/users/\(root.id)/deactivate", nil, "Cannot deactivate yourself"),
                (.delete, "/api/users/\(root.id)", nil, "Cannot delete yourself"),
            ] as [(HTTPRequest.Method, String, [String: Any?]?, String)] {
                let reply = try await client.call(method, path, as: root.token, body: body)
                #expect(reply.status == .conflict)
                #expect(reply.detail == detail)
            }
        }
        #expect(try await fixture.snapshot() == before)
    }

    /// With the other active admins gone, the last one is protected. An admin session always is an
    /// active admin itself, so only the local-development user (who authenticates even when
    /// deactivated) can reach this refusal over HTTP.
    @Test func theLastActiveAdminCannotBeDeactivatedOrDeleted() async throws {
        let fixture = try await ServerFixture(
            settings: { AgnesSettings(dataDir: $0, isLocalDevMode: true, localDevUserEmail: "dev@localhost") },
            hasher: PasswordHasher(cost: 4))
        _ = try await fixture.user("dev@localhost", admin: true, active: false)
        let root = try await fixture.user("root@example.com", admin: true)
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            for (method, path, detail) in [
                (HTTPRequest.Method.patch, "/api/users/\(root)", "Cannot deactivate the last active admin"),
                (.post, "/api/users/\(root)/deactivate", "Cannot deactivate the last active admin"),
                (.delete, "/api/users/\(root)", "Cannot delete the last active admin"),
            ] {
                let reply = try await client.call(method, path, as: nil, body: ["active": false])
                #expect(reply.status == .conflict)
                #expect(reply.detail == detail)
            }
        }
        #expect(try await fixture.snapshot() == before)
    }

    @Test func deleteRemovesTheUserWithMembershipsAndTokens() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.user("ana@example.com", admin: true)
        _ = try await fixture.services.auth.issuer.personalAccessToken(
            for: try await fixture.stored(ana), name: "laptop", lifetime: nil, scope: "general")
        try await fixture.application.test(.router) { client in
            let deleted = try await client.call(.delete, "/api/users/\(ana)", as: root.token)
            #expect(deleted.status == .noContent)
            let gone = try await client.call(.get, "/api/users/\(ana)", as: root.token)
            #expect(gone.status == .notFound)
            #expect(gone.detail == "User not found")
            let again = try await client.call(.delete, "/api/users/\(ana)", as: root.token)
            #expect(again.status == .notFound)
            #expect(again.detail == "User not found")
        }
        let snapshot = try await fixture.snapshot()
        #expect(!snapshot.memberships.contains { $0.userID == ana })
        #expect(try await DuckDBAccessTokenRepository(store: fixture.services.store).list(userID: ana).isEmpty)
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == ["user.delete"])
        #expect(audit.first?.params == ["email": "ana@example.com"])
        #expect(audit.first?.resource == "user:\(ana)")
    }

    @Test func resetPasswordIssuesAResetLinkWithoutAuditingIt() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.user("ana@example.com")
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(.post, "/api/users/\(ana)/reset-password", as: root.token)
            #expect(reply.status == .ok)
            #expect(Set(reply.object.keys) == ["reset_url", "email_sent"])
            #expect(reply.object["email_sent"] as? Bool == false)
            let url = try #require(reply.object["reset_url"] as? String)
            let components = try #require(URLComponents(string: url))
            #expect(components.path == "/auth/password/reset")
            let token = try #require(components.queryItems?.first { $0.name == "token" }?.value)
            #expect(try await fixture.stored(ana).resetToken == OneTimeToken.hash(token))
            let missing = try await client.call(.post, "/api/users/nobody/reset-password", as: root.token)
            #expect(missing.status == .notFound)
            #expect(missing.detail == "User not found")
        }
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == ["user.reset_password"])
        #expect(audit.first?.params == ["email": "ana@example.com", "email_sent": "false"])
    }

    @Test func setPasswordHashesItAndTheUserCanSignIn() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.user("ana@example.com", password: nil)
        try await fixture.application.test(.router) { client in
            let short = try await client.call(
                .post, "/api/users/\(ana)/set-password", as: root.token, body: ["password": "short"])
            #expect(short.status == .badRequest)
            #expect(short.detail == "Password must be at least 8 characters")
            #expect(try await fixture.stored(ana).passwordHash == nil)
            let missing = try await client.call(
                .post, "/api/users/nobody/set-password", as: root.token, body: ["password": "long enough"])
            #expect(missing.status == .notFound)
            #expect(missing.detail == "User not found")
            let set = try await client.call(
                .post, "/api/users/\(ana)/set-password", as: root.token, body: ["password": "correct horse"])
            #expect(set.status == .noContent)
            let hash = try #require(try await fixture.stored(ana).passwordHash)
            #expect(!hash.contains("correct horse"))
            let signIn = try await client.call(
                .post, "/auth/token", as: nil, body: ["email": "ana@example.com", "password": "correct horse"])
            #expect(signIn.status == .ok)
        }
        let audit = try await fixture.auditLog().filter { $0.action.hasPrefix("user.") }
        #expect(audit.map(\.action) == ["user.set_password"])
        #expect(audit.first?.params == ["email": "ana@example.com"])
    }

    @Test func ssoManagedUsersCannotBeDeletedOrHaveTheirPasswordChanged() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.user("ana@example.com")
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        let team = try await groups.create(
            name: "team@example.com", description: nil, createdBy: WorkspaceGroupMapping.googleSyncCreator)
        try await groups.addMember(userID: ana, groupID: team.id, source: .googleSync, addedBy: nil)
        let before = try await fixture.snapshot()
        let sso = "User is managed by an external SSO provider; this operation must be performed in the upstream system"
        try await fixture.application.test(.router) { client in
            let shown = try await client.call(.get, "/api/users/\(ana)", as: root.token)
            #expect(shown.object["is_sso_user"] as? Bool == true)
            #expect((shown.object["groups"] as? [[String: Any]])?.first?["origin"] as? String == "google_sync")
            for (method, path) in [
                (HTTPRequest.Method.delete, "/api/users/\(ana)"), (.post, "/api/users/\(ana)/reset-password"),
                (.post, "/api/users/\(ana)/set-password"),
            ] {
                let reply = try await client.call(method, path, as: root.token, body: ["password": "long enough"])
                #expect(reply.status == .conflict)
                #expect(reply.detail == sso)
            }
        }
        #expect(try await fixture.snapshot() == before)
    }

    /// A mapped `Everyone` makes only its `google_sync` memberships SSO-managed; seeded ones stay local.
    @Test func onlyGoogleSyncedMembershipsOfAMappedSystemGroupMakeAnSSOUser() async throws {
        let fixture = try await ServerFixture(
            settings: { AgnesSettings(dataDir: $0, environment: ["AGNES_GROUP_EVERYONE_EMAIL": "all@example.com"]) },
            hasher: PasswordHasher(cost: 4))
        let root = try await fixture.admin()
        let synced = try await fixture.user("synced@example.com")
        let local = try await fixture.user("local@example.com")
        let everyone = try await fixture.group(named: SystemGroup.everyone)
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        try await groups.addMember(userID: synced, groupID: everyone.id, source: .googleSync, addedBy: nil)
        try await groups.addMember(userID: local, groupID: everyone.id, source: .systemSeed, addedBy: nil)
        try await fixture.application.test(.router) { client in
            let list = try await client.call(.get, "/api/users", as: root.token).array
            let byEmail = Dictionary(uniqueKeysWithValues: list.map { ($0["email"] as? String ?? "", $0) })
            #expect(byEmail["synced@example.com"]?["is_sso_user"] as? Bool == true)
            #expect(byEmail["local@example.com"]?["is_sso_user"] as? Bool == false)
            let brief = (byEmail["local@example.com"]?["groups"] as? [[String: Any]])?.first
            #expect(brief?["origin"] as? String == "google_sync")
            let reset = try await client.call(.post, "/api/users/\(local)/reset-password", as: root.token)
            #expect(reset.status == .ok)
            let refused = try await client.call(.post, "/api/users/\(synced)/reset-password", as: root.token)
            #expect(refused.status == .conflict)
            #expect(
                refused.detail
                    == "User is managed by an external SSO provider; this operation must be performed in the upstream system"
            )
        }
    }

    static let adminRoutes: [(HTTPRequest.Method, String)] = [
        (.get, "/api/users"), (.post, "/api/users"), (.get, "/api/users/x"), (.patch, "/api/users/x"),
        (.delete, "/api/users/x"), (.post, "/api/users/x/reset-password"), (.post, "/api/users/x/set-password"),
        (.post, "/api/users/x/deactivate"), (.post, "/api/users/x/activate"),
    ]

    @Test(arguments: adminRoutes)
    func nonAdminsGet403AndAnonymousCallers401(method: HTTPRequest.Method, path: String) async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.user("ana@example.com")
        let token = try await fixture.session(ana)
        let before = try await fixture.snapshot()
        try await fixture.application.test(.router) { client in
            let body: [String: Any?] = ["email": "x@example.com", "name": "x", "password": "long enough"]
            let forbidden = try await client.call(
                method, path.replacingOccurrences(of: "/x", with: "/\(ana)"), as: token, body: body)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.detail == "Admin access required")
            let anonymous = try await client.call(method, path, as: nil, body: body)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.detail == "Missing or invalid Authorization header")
        }
        #expect(try await fixture.snapshot() == before)
    }
}
