import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/dashboard` and the web UI's stylesheet, for an anonymous visitor, an analyst and an admin.
struct DashboardPageTests {
    static let hostile = #"<script>alert(1)</script> "><img src=x onerror=alert(2)>"#

    /// Four tables: `orders` synced, `refunds` failed, `customers` stale, `leads` never synced and
    /// described with markup;
    /// `salaries` exists too, granted to nobody.
    static func fixture() async throws -> (fixture: ServerFixture, analyst: (id: String, token: String)) {
        let fixture = try await ServerFixture.fast()
        let registry = DuckDBTableRegistryRepository(store: fixture.services.store)
        for id in ["orders", "refunds", "customers", "salaries"] { try await fixture.registerTable(id) }
        _ = try await registry.register(
            TableRegistration(id: "leads", name: "leads", sourceType: "local", description: hostile))
        let states = DuckDBSyncStateRepository(store: fixture.services.store)
        _ = try await states.upsert(
            SyncState(
                tableID: "orders", lastSync: Date().addingTimeInterval(-7_200), rows: 1_234_567,
                fileSizeBytes: 3_407_872))
        _ = try await states.upsert(
            SyncState(
                tableID: "refunds", lastSync: Date().addingTimeInterval(-600), rows: 10, fileSizeBytes: 2_048,
                status: SyncState.errorStatus, error: "Keboola answered 401: the token is wrong"))
        _ = try await states.upsert(SyncState(tableID: "customers", lastSync: Date().addingTimeInterval(-3 * 86_400)))
        let analyst = try await fixture.analyst()
        try await fixture.grantTables(["orders", "refunds", "leads", "customers"], to: analyst.id)
        let tokens = DuckDBAccessTokenRepository(store: fixture.services.store)
        _ = try await tokens.create(
            AccessToken(
                id: "t1", userID: analyst.id, name: "laptop", tokenHash: "h1", prefix: "agn_lap", createdAt: Date()))
        _ = try await tokens.create(
            AccessToken(
                id: "t2", userID: analyst.id, name: "old one", tokenHash: "h2", prefix: "agn_old", createdAt: Date(),
                revokedAt: Date()))
        return (fixture, analyst)
    }

    @Test func anAnalystSeesTheirTablesFreshnessAndTokensAndNothingElse() async throws {
        let (fixture, analyst) = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            let response = try await client.raw(.get, "/dashboard", as: analyst.token)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.cacheControl] == "no-store")
            let policy = response.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline"))
            let html = String(buffer: response.body)
            #expect(html.contains("ana@example.com") && !html.contains("(admin)"))
            #expect(html.contains("<strong>4</strong> tables you may read"))
            #expect(html.contains("<strong>3</strong> need attention"))
            #expect(html.contains("<code>orders</code>") && html.contains("1,234,567") && html.contains("3.2 MB"))
            #expect(html.contains("2 h ago") && html.contains("Not synced for 3 days."))
            #expect(html.contains(#"1,234,567</td><td class="num">3.2 MB</td><td class="status-ok">ok</td>"#))
            #expect(html.contains("The last sync failed: Keboola answered 401: the token is wrong"))
            #expect(html.contains("not synced yet") && html.contains("It has not been synced yet."))
            #expect(!html.contains("salaries"))
            #expect(html.contains("laptop") && html.contains("agn_lap") && !html.contains("old one"))
            #expect(html.contains("agnes init --server-url http") && html.contains("/cli/install.sh"))
            #expect(html.contains("<link rel=\"stylesheet\" href=\"/static/agnes."))
            // The one script is the server's own file; nothing inline.
            #expect(html.contains(#"<script src="/static/agnes."#) && !html.contains("<script>"))
        }
    }

    @Test func storedMarkupIsShownAsText() async throws {
        let (fixture, analyst) = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            let html = String(buffer: try await client.raw(.get, "/dashboard", as: analyst.token).body)
            #expect(!html.contains("<script>alert(1)") && !html.contains("<img src=x"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
        }
    }

    @Test func anAdminSeesEveryTableAndAVisitorIsSentToSignIn() async throws {
        let (fixture, _) = try await Self.fixture()
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let html = String(buffer: try await client.raw(.get, "/dashboard", as: admin.token).body)
            #expect(html.contains("(admin)") && html.contains("<code>salaries</code>"))
            #expect(html.contains("<strong>5</strong> tables you may read"))
            #expect(html.contains("No personal access tokens."))
            let visitor = try await client.raw(.get, "/dashboard", as: nil)
            #expect(visitor.status == .found && visitor.headers[.location] == "/login?next=%2Fdashboard")
        }
    }

    @Test func theStylesheetIsServedAtItsHashedPathForAYear() async throws {
        let fixture = try await ServerFixture.fast()
        let analyst = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let html = String(buffer: try await client.raw(.get, "/dashboard", as: analyst.token).body)
            let path = try #require(
                html.range(of: #"/static/agnes\.[0-9a-f]{16}\.css"#, options: .regularExpression).map {
                    String(html[$0])
                })
            let css = try await client.raw(.get, path, as: nil)
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(String(buffer: css.body).contains("@media (max-width:40rem)"))
            #expect(try await client.raw(.get, "/static/agnes.0000000000000000.css", as: nil).status == .notFound)
        }
    }
}
