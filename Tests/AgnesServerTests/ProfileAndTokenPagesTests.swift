import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/profile`, `/tokens` and `/admin/tokens`: each user sees their own identity, groups, access and
/// tokens; admins see every token, filtered by owner.
struct ProfileAndTokenPagesTests {
    /// The analyst (in `Analysts`, granted `orders`) with tokens `laptop` and `old one` (revoked);
    /// the admin with `ci <b>bot</b>`.
    static func world() async throws -> PeoplePagesTests.World {
        let world = try await PeoplePagesTests.world()
        let tokens = DuckDBAccessTokenRepository(store: world.fixture.services.store)
        _ = try await tokens.create(
            AccessToken(
                id: "t-laptop", userID: world.analyst.id, name: "laptop", tokenHash: "h1", prefix: "agn_lap",
                createdAt: Date()))
        _ = try await tokens.create(
            AccessToken(
                id: "t-old", userID: world.analyst.id, name: "old one", tokenHash: "h2", prefix: "agn_old",
                createdAt: Date().addingTimeInterval(-86_400), revokedAt: Date()))
        _ = try await tokens.create(
            AccessToken(
                id: "t-ci", userID: world.admin.id, name: "ci <b>bot</b>", tokenHash: "h3", prefix: "agn_ci_",
                createdAt: Date()))
        return world
    }

    @Test func theProfileShowsWhoYouAreYourGroupsAndYourAccess() async throws {
        let world = try await Self.world()
        try await world.fixture.application.test(.router) { client in
            let html = try await PeoplePagesTests.html(client, "/profile", as: world.analyst.token)
            #expect(html.contains("<dd>ana@example.com</dd>") && html.contains("<dd>User</dd>"))
            #expect(html.contains(#"<span class="chip origin-custom">Analysts</span>"#))
            #expect(html.contains("custom group · added by an admin"))
            #expect(html.contains("<td>Tables</td><td><code>orders</code></td>"))
            #expect(html.contains(#"<span class="chip">Analysts</span>"#) && !html.contains("/admin/groups/"))
            #expect(html.contains(#"<a href="/tokens">Your personal access tokens</a>"#) && html.contains("(1 active)"))
            #expect(html.contains(#"<form method="post" action="/auth/logout/everywhere""#))
            #expect(html.contains(#"aria-current="page">Profile"#) && !html.contains(#"href="/admin""#))
            let admin = try await PeoplePagesTests.html(client, "/profile", as: world.admin.token)
            #expect(admin.contains("<dd>Admin</dd>") && admin.contains("An admin may reach every resource"))
            #expect(admin.contains(#"<span class="chip origin-system">Admin</span>"#))
            #expect(admin.contains("No group grants anything yet."))
            let visitor = try await client.raw(.get, "/profile", as: nil)
            #expect(visitor.status == .found && visitor.headers[.location] == "/login?next=%2Fprofile")
        }
    }

    @Test func anAnalystSeesOnlyTheirOwnTokens() async throws {
        let world = try await Self.world()
        try await world.fixture.application.test(.router) { client in
            let html = try await PeoplePagesTests.html(client, "/tokens", as: world.analyst.token)
            #expect(html.contains("<td>laptop</td>") && html.contains("<td>old one</td>"))
            #expect(!html.contains("ci &lt;b&gt;bot") && !html.contains("agn_ci_"))
            #expect(html.contains(#"data-api="/auth/tokens/t-laptop" data-method="DELETE""#))
            #expect(!html.contains("/auth/tokens/t-old") && html.contains(#"<td class="status-stale">revoked</td>"#))
            #expect(html.contains(#"<form data-api="/auth/tokens" data-then="reveal:token""#))
            #expect(html.contains(#"<option value="90" selected>90 days</option>"#))
            #expect(html.contains(#"<option value="null">Never</option>"#))
            #expect(html.contains("<pre data-reveal class=\"reveal hidden\"></pre>"))
            let visitor = try await client.raw(.get, "/tokens", as: nil)
            #expect(visitor.status == .found && visitor.headers[.location] == "/login?next=%2Ftokens")
        }
    }

    @Test func theCreateFormsBodyMakesATokenShownOnceAndRevocationEndsIt() async throws {
        let world = try await Self.world()
        try await world.fixture.application.test(.router) { client in
            // The form sends the select's value through data-type="json": a number, or null for never.
            let page = try await PeoplePagesTests.html(client, "/tokens", as: world.analyst.token)
            var form = try #require(WebForm(in: page, id: "/auth/tokens"))
            #expect(form.fields["expires_in_days"] as? Int == 90)
            form.fields["name"] = "desktop"
            form.fields["expires_in_days"] = WebForm.typed("null", form.fieldAttributes["expires_in_days"] ?? [:])
            #expect(form.body["expires_in_days"] is NSNull)
            let created = try await client.call(.post, "/auth/tokens", as: world.analyst.token, body: form.body)
            #expect(created.status == .created)
            let token = try #require(created.object["token"] as? String)
            let id = try #require(created.object["id"] as? String)
            let html = try await PeoplePagesTests.html(client, "/tokens", as: world.analyst.token)
            #expect(html.contains("<td>desktop</td>") && !html.contains(token))
            #expect(html.contains("<td>desktop</td><td><code>\(created.object["prefix"] as? String ?? "-")</code>"))
            // Signed in with a token, the page does not offer to make another (the API would refuse).
            let withToken = try await PeoplePagesTests.html(client, "/tokens", as: token)
            #expect(withToken.contains("not with a token") && !withToken.contains(#"data-api="/auth/tokens""#))
            #expect(try await client.call(.delete, "/auth/tokens/\(id)", as: world.analyst.token).status == .noContent)
            let after = try await PeoplePagesTests.html(client, "/tokens", as: world.analyst.token)
            #expect(!after.contains("/auth/tokens/\(id)\""))
        }
    }

    @Test func adminsSeeEveryTokenAndFilterByOwner() async throws {
        let world = try await Self.world()
        try await world.fixture.application.test(.router) { client in
            let html = try await PeoplePagesTests.html(client, "/admin/tokens", as: world.admin.token)
            #expect(html.contains("<td>laptop</td>") && html.contains("<td>ci &lt;b&gt;bot&lt;/b&gt;</td>"))
            #expect(!html.contains("<b>bot"))
            #expect(html.contains(#"href="/admin/users/\#(world.analyst.id)">ana@example.com</a>"#))
            #expect(html.contains(#"data-api="/auth/admin/tokens/t-ci" data-method="DELETE""#))
            #expect(html.contains("3 tokens"))
            for filter in [world.analyst.id, "ana@example.com"] {
                let mine = try await PeoplePagesTests.html(
                    client, "/admin/tokens?user=\(filter)", as: world.admin.token)
                #expect(mine.contains("2 tokens of ana@example.com"), "\(filter)")
                #expect(mine.contains("<td>laptop</td>") && !mine.contains("agn_ci_"), "\(filter)")
            }
            let nobody = try await PeoplePagesTests.html(client, "/admin/tokens?user=nobody", as: world.admin.token)
            #expect(nobody.contains("No tokens.") && nobody.contains("0 tokens of nobody"))
            #expect(
                try await client.call(.delete, "/auth/admin/tokens/t-laptop", as: world.admin.token).status
                    == .noContent)
            let after = try await PeoplePagesTests.html(client, "/admin/tokens", as: world.admin.token)
            #expect(!after.contains("/auth/admin/tokens/t-laptop\""))
        }
    }
}
