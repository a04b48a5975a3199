import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/admin/access`, `/admin/users`, `/admin/users/{id}`, `/admin/groups` and `/admin/groups/{id}`: what
/// an admin sees and changes through the forms' API calls; 403 for anyone else, sign-in for visitors.
struct PeoplePagesTests {
    static let hostile = #"<script>alert(1)</script> "><img src=x onerror=alert(2)>"#

    /// Every admin page of ``PeoplePages``, with `{user}` and `{group}` to fill.
    static let adminPaths = [
        "/admin/access", "/admin/users", "/admin/users/{user}", "/admin/groups", "/admin/groups/{group}",
        "/admin/tokens", "/admin/tokens?user={user}",
    ]

    struct World {
        let fixture: ServerFixture
        let admin: (id: String, token: String)
        let analyst: (id: String, token: String)
        let analysts: Group
    }

    /// Tables `orders` (granted to `Analysts`, of which the analyst is a member) and `salaries`.
    static func world() async throws -> World {
        let fixture = try await ServerFixture.fast()
        for id in ["orders", "salaries"] { try await fixture.registerTable(id) }
        let admin = try await fixture.admin()
        let analyst = try await fixture.analyst()
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        let analysts = try await groups.create(name: "Analysts", description: "People who ask", createdBy: "root")
        try await groups.addMember(userID: analyst.id, groupID: analysts.id, source: .admin, addedBy: "root")
        _ = try await DuckDBGrantRepository(store: fixture.services.store).grant(
            groupID: analysts.id, type: .table, resourceID: "orders", by: "root")
        return World(fixture: fixture, admin: admin, analyst: analyst, analysts: analysts)
    }

    static func html(_ client: some TestClientProtocol, _ path: String, as token: String?) async throws -> String {
        let response = try await client.raw(.get, path, as: token)
        #expect(response.status == .ok, "\(path)")
        #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
        return String(buffer: response.body)
    }

    @Test func analystsGet403AndVisitorsAreSentToSignIn() async throws {
        let world = try await Self.world()
        try await world.fixture.application.test(.router) { client in
            for template in Self.adminPaths {
                let path = template.replacingOccurrences(of: "{user}", with: world.analyst.id)
                    .replacingOccurrences(of: "{group}", with: world.analysts.id)
                let refused = try await client.raw(.get, path, as: world.analyst.token)
                #expect(refused.status == .forbidden, "\(path)")
                let html = String(buffer: refused.body)
                #expect(html.contains("Admin access required"), "\(path)")
                #expect(!html.contains("Analysts") && !html.contains("href=\"/admin\""), "\(path)")
                let visitor = try await client.raw(.get, path, as: nil)
                #expect(visitor.status == .found, "\(path)")
                #expect(visitor.headers[.location]?.hasPrefix("/login?next=%2Fadmin%2F") == true, "\(path)")
            }
            let index = try await Self.html(client, "/admin", as: world.admin.token)
            for path in ["/admin/access", "/admin/users", "/admin/groups", "/admin/tokens"] {
                #expect(index.contains("<a href=\"\(path)\">"), "\(path)")
            }
        }
    }

    @Test func theMatrixShowsTheServersGrantsAndTheirToggles() async throws {
        let world = try await Self.world()
        let grants = DuckDBGrantRepository(store: world.fixture.services.store)
        let granted = try #require(try await grants.list(groupID: world.analysts.id, type: .table).first)
        // A grant made ahead of its table keeps a row, so it can be seen and revoked.
        _ = try await grants.grant(groupID: world.analysts.id, type: .table, resourceID: "planned", by: nil)
        try await world.fixture.application.test(.router) { client in
            let html = try await Self.html(client, "/admin/access", as: world.admin.token)
            #expect(html.contains(">Admin</a></th>") && html.contains(">Everyone</a></th>"))
            #expect(html.contains(">Analysts</a></th>"))
            #expect(html.contains("<h2>Tables</h2>") && html.contains("<h2>Memory domains</h2>"))
            #expect(html.contains("Granted, not listed") && html.contains("<code>planned</code>"))
            #expect(
                html.contains(#"class="block">(no bucket)</th>"#) && !html.contains(#"class="block">Memory domains"#))
            #expect(html.contains(#"<label class="sr-only" for="cell-0-2">Analysts may reach Tables: orders</label>"#))
            let orders = try #require(Self.checkbox(in: html, labelled: "Analysts may reach Tables: orders"))
            #expect(orders.contains(" checked") && orders.contains("data-id=\"\(granted.id)\""))
            #expect(orders.contains(#"data-api-on="/api/admin/grants" data-api-off="/api/admin/grants/{id}""#))
            let salaries = try #require(Self.checkbox(in: html, labelled: "Analysts may reach Tables: salaries"))
            #expect(!salaries.contains(" checked") && salaries.contains(#"data-id="""#))
            // The body the box posts, as the grants API decodes it.
            let body = try #require(WebForm.attributes(salaries)["data-body"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])
            #expect(
                object == ["group_id": world.analysts.id, "resource_type": "table", "resource_id": "salaries"])
            let created = try await client.call(.post, "/api/admin/grants", as: world.admin.token, body: object)
            #expect(created.status == .created)
            let after = try await Self.html(client, "/admin/access?type=table&q=SAL", as: world.admin.token)
            let ticked = try #require(Self.checkbox(in: after, labelled: "Analysts may reach Tables: salaries"))
            #expect(
                ticked.contains(" checked") && ticked.contains("data-id=\"\(created.object["id"] as? String ?? "-")\""))
            #expect(!after.contains("<code>orders</code>") && !after.contains("Memory domains</h2>"))
            #expect(after.contains("1 resources matching “SAL”"))
            let revoked = try await client.call(.delete, "/api/admin/grants/\(granted.id)", as: world.admin.token)
            #expect(revoked.status == .noContent)
            let last = try await Self.html(client, "/admin/access", as: world.admin.token)
            #expect(
                try #require(Self.checkbox(in: last, labelled: "Analysts may reach Tables: orders")).contains(
                    " checked") == false)
        }
    }

    @Test func theUserListShowsGroupsAndCreatesUsers() async throws {
        let world = try await Self.world()
        try await world.fixture.application.test(.router) { client in
            let html = try await Self.html(client, "/admin/users", as: world.admin.token)
            #expect(html.contains(">ana@example.com</a>") && html.contains(">root@example.com</a>"))
            #expect(html.contains("href=\"/admin/groups/\(world.analysts.id)\" title=\"custom group\">Analysts</a>"))
            #expect(html.contains(#"title="system group">Admin</a>"#))
            #expect(html.contains(#"<form data-api="/api/users" data-then="/admin/users/{id}">"#))
            let found = try await Self.html(client, "/admin/users?q=ANA", as: world.admin.token)
            #expect(found.contains("ana@example.com") && !found.contains(">root@example.com</a>"))
            // The create form's body (the invite box unticked: false).
            var form = try #require(WebForm(in: html, id: "/api/users"))
            form.fields["email"] = "new@example.com"
            form.fields["name"] = "Newton"
            #expect(form.body["send_invite"] as? Bool == false)
            let created = try await client.call(.post, "/api/users", as: world.admin.token, body: form.body)
            #expect(created.status == .created)
            let id = try #require(created.object["id"] as? String)
            let page = try await Self.html(client, "/admin/users/\(id)", as: world.admin.token)
            #expect(page.contains("<h1>new@example.com</h1>") && page.contains("<dd>Newton</dd>"))
            #expect(page.contains("In no group.") && page.contains("No group grants anything yet."))
        }
    }

    @Test func theUserListIsPaged() async throws {
        let fixture = try await ServerFixture.fast()
        let admin = try await fixture.admin()
        for number in 1...105 { _ = try await fixture.user(String(format: "u%03d@example.com", number), password: nil) }
        try await fixture.application.test(.router) { client in
            let first = try await Self.html(client, "/admin/users", as: admin.token)
            #expect(first.contains("1–100 of 106") && first.contains(#"href="/admin/users?page=2""#))
            #expect(first.contains("root@example.com") && first.contains("u099@example.com"))
            #expect(!first.contains("u100@example.com"))
            let second = try await Self.html(client, "/admin/users?page=2", as: admin.token)
            #expect(second.contains("u100@example.com") && second.contains("u105@example.com"))
            #expect(!second.contains("u099@example.com") && second.contains("101–106 of 106"))
        }
    }

    @Test func aUserPageShowsMembershipsAccessAndAccountActions() async throws {
        let world = try await Self.world()
        let user = "/admin/users/\(world.analyst.id)"
        try await world.fixture.application.test(.router) { client in
            let html = try await Self.html(client, user, as: world.admin.token)
            #expect(html.contains("<h1>ana@example.com</h1>") && html.contains(#"<span class="chip status-ok">active"#))
            #expect(html.contains(#"data-api="/api/users/\#(world.analyst.id)/deactivate""#))
            #expect(html.contains(#"data-then="reveal:reset_url""#))
            #expect(html.contains(#"data-api="/api/users/\#(world.analyst.id)/set-password""#))
            let remove = "/api/admin/users/\(world.analyst.id)/memberships/\(world.analysts.id)"
            #expect(html.contains("data-api=\"\(remove)\" data-method=\"DELETE\""))
            #expect(html.contains("<td><code>orders</code></td>") && html.contains(">Analysts</a>"))
            #expect(html.contains("<option value=\"") && html.contains(">Everyone</option>"))
            #expect(html.contains(#"href="/admin/tokens?user=\#(world.analyst.id)""#))
            // The forms' calls, then the page again.
            #expect(try await client.call(.delete, remove, as: world.admin.token).status == .noContent)
            let admins = try await world.fixture.group(named: SystemGroup.admin)
            let joined = try await client.call(
                .post, "/api/admin/users/\(world.analyst.id)/memberships", as: world.admin.token,
                body: ["group_id": admins.id])
            #expect(joined.status == .created)
            let deactivated = try await client.call(
                .post, "/api/users/\(world.analyst.id)/deactivate", as: world.admin.token)
            #expect(deactivated.status == .ok)
            let after = try await Self.html(client, user, as: world.admin.token)
            #expect(after.contains("No group grants anything yet.") && !after.contains(">Analysts</a>"))
            #expect(after.contains(#"<span class="chip">admin</span>"#) && after.contains("An admin may reach every"))
            #expect(after.contains("deactivated 20") && after.contains("/activate\""))
            #expect(!after.contains("/deactivate\""))
            // An admin's own page offers neither deactivation nor deletion.
            let own = try await Self.html(client, "/admin/users/\(world.admin.id)", as: world.admin.token)
            #expect(own.contains(#"<span class="chip">you</span>"#))
            #expect(!own.contains("/deactivate\"") && !own.contains("Delete the user"))
            let missing = try await client.raw(.get, "/admin/users/nobody", as: world.admin.token)
            #expect(missing.status == .notFound && String(buffer: missing.body).contains("There is no user nobody."))
        }
    }

    @Test func groupPagesOfferWhatTheAPIAllows() async throws {
        let world = try await Self.world()
        let admins = try await world.fixture.group(named: SystemGroup.admin)
        try await world.fixture.application.test(.router) { client in
            let list = try await Self.html(client, "/admin/groups", as: world.admin.token)
            #expect(list.contains(">Analysts</a><div class=\"muted\">People who ask</div>"))
            #expect(list.contains(#"<span class="chip origin-system">system</span>"#))
            #expect(list.contains(#"<span class="chip origin-custom">custom</span>"#))
            let custom = try await Self.html(client, "/admin/groups/\(world.analysts.id)", as: world.admin.token)
            #expect(custom.contains("<h1>Analysts</h1>") && custom.contains(">ana@example.com</a>"))
            #expect(custom.contains(#"id="edit-name""#) && custom.contains("Delete the group"))
            #expect(custom.contains("<td>Tables</td><td><code>orders</code></td>"))
            #expect(custom.contains("/api/admin/groups/\(world.analysts.id)/members/\(world.analyst.id)"))
            let system = try await Self.html(client, "/admin/groups/\(admins.id)", as: world.admin.token)
            #expect(system.contains(#"<span class="chip">system group</span>"#))
            #expect(!system.contains(#"id="edit-name""#) && system.contains(#"id="edit-description""#))
            #expect(!system.contains("Delete the group"))
            // The create form's body, then the member form's.
            let created = try await client.call(
                .post, "/api/admin/groups", as: world.admin.token, body: ["name": "Finance"])
            let id = try #require(created.object["id"] as? String)
            let added = try await client.call(
                .post, "/api/admin/groups/\(id)/members", as: world.admin.token, body: ["email": "root@example.com"])
            #expect(added.status == .created)
            let finance = try await Self.html(client, "/admin/groups/\(id)", as: world.admin.token)
            #expect(finance.contains(">root@example.com</a>") && finance.contains("Nothing granted yet."))
            let missing = try await client.raw(.get, "/admin/groups/none", as: world.admin.token)
            #expect(missing.status == .notFound)
        }
    }

    @Test func storedMarkupInNamesIsInert() async throws {
        let world = try await Self.world()
        let store = world.fixture.services.store
        let users = DuckDBUserRepository(store: store)
        let hostileUser = try await users.create(
            User(id: "hostile-user", email: #""><img src=x onerror=alert(3)>@example.com"#, name: Self.hostile))
        let group = try await DuckDBGroupRepository(store: store).create(
            name: Self.hostile, description: Self.hostile, createdBy: Self.hostile)
        try await DuckDBGroupRepository(store: store).addMember(
            userID: hostileUser.id, groupID: group.id, source: .admin, addedBy: Self.hostile)
        _ = try await DuckDBGrantRepository(store: store).grant(
            groupID: group.id, type: .table, resourceID: Self.hostile, by: Self.hostile)
        let hostileSession = try await world.fixture.session(hostileUser.id)
        try await world.fixture.application.test(.router) { client in
            for (path, token) in [
                ("/admin/access", world.admin.token), ("/admin/users", world.admin.token),
                ("/admin/users/hostile-user", world.admin.token), ("/admin/groups", world.admin.token),
                ("/admin/groups/\(group.id)", world.admin.token), ("/profile", hostileSession),
            ] {
                let html = try await Self.html(client, path, as: token)
                #expect(!html.contains("<script>alert") && !html.contains("<img src=x"), "\(path)")
                #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path)")
                #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert("), "\(path)")
            }
        }
    }

    /// The `<input type="checkbox" …>` whose label is `label`.
    static func checkbox(in html: String, labelled label: String) -> String? {
        guard let labelRange = html.range(of: ">\(label)</label>"),
            let start = html.range(of: "<input type=\"checkbox\"", range: labelRange.upperBound..<html.endIndex),
            let end = html.range(of: ">", range: start.upperBound..<html.endIndex)
        else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }
}
