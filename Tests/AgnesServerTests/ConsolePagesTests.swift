import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/query`, `/admin`, the script every page loads, paging of long lists, and errors on page paths as
/// HTML for browsers (JSON for everyone else).
struct ConsolePagesTests {
    static let browser: HTTPFields = [.accept: "text/html,application/xhtml+xml,*/*;q=0.8"]

    @Test func theQueryConsoleStartsWithATableAndListsOnlyReadableOnes() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.registerTable("orders")
        try await fixture.registerTable("salaries")
        let analyst = try await fixture.analyst()
        try await fixture.grantTables(["orders"], to: analyst.id)
        try await fixture.application.test(.router) { client in
            let page = try await client.raw(.get, "/query?table=orders", as: analyst.token)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains(#"<form id="query-console">"#))
            #expect(html.contains("SELECT *\nFROM &quot;orders&quot;\nLIMIT 100</textarea>"))
            #expect(html.contains(#"<a href="/query?table=orders"><code>orders</code></a>"#))
            #expect(!html.contains("salaries"))
            #expect(html.contains(#"aria-current="page">Query</a>"#))
            // Admin links only for admins.
            #expect(!html.contains(#"href="/admin""#))

            // Given SQL is shown as text, never as markup.
            let hostile = try await client.raw(
                .get, "/query?sql=%3C%2Ftextarea%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E", as: analyst.token)
            let text = String(buffer: hostile.body)
            #expect(!text.contains("<script>alert(1)") && text.contains("&lt;/textarea&gt;&lt;script&gt;"))
        }
    }

    @Test func theAdminIndexIsForAdminsOnly() async throws {
        let fixture = try await ServerFixture.fast()
        let admin = try await fixture.admin()
        let analyst = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let page = try await client.raw(.get, "/admin", as: admin.token)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains(#"aria-current="page">Admin</a>"#))
            let denied = try await client.raw(.get, "/admin", as: analyst.token)
            #expect(denied.status == .forbidden)
            #expect(String(buffer: denied.body).contains("Admin access required"))
            #expect(!String(buffer: denied.body).contains(#"href="/admin""#))
            let anonymous = try await client.raw(.get, "/admin", as: nil)
            #expect(anonymous.status == .found && anonymous.headers[.location] == "/login?next=%2Fadmin")
        }
    }

    @Test func theScriptIsServedAtItsHashedPathForAYearAndLoadedByEveryPage() async throws {
        let fixture = try await ServerFixture.fast()
        let analyst = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let html = String(buffer: try await client.raw(.get, "/dashboard", as: analyst.token).body)
            let path = try #require(html.firstRange(of: #/\/static\/agnes\.[0-9a-f]{16}\.js/#).map { String(html[$0]) })
            let script = try await client.raw(.get, path, as: nil)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(String(buffer: script.body).contains("'/api/query'"))
            let stale = try await client.raw(.get, "/static/agnes.0000000000000000.js", as: nil)
            #expect(stale.status == .notFound)
        }
    }

    @Test func longListsArePagedAndThePagerKeepsTheSearch() async throws {
        let fixture = try await ServerFixture.fast()
        let registry = DuckDBTableRegistryRepository(store: fixture.services.store)
        for index in 0..<250 {
            let id = String(format: "t%03d", index)
            _ = try await registry.register(
                TableRegistration(
                    id: id, name: id, sourceType: "local", description: index.isMultiple(of: 2) ? "even" : "odd"))
        }
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let first = String(buffer: try await client.raw(.get, "/catalog", as: admin.token).body)
            #expect(first.contains("<code>t000</code>") && first.contains("<code>t099</code>"))
            #expect(!first.contains("<code>t100</code>"))
            #expect(first.contains("1–100 of 250") && first.contains(#"href="/catalog?page=2" rel="next""#))
            #expect(!first.contains(#"rel="prev""#))

            let last = String(buffer: try await client.raw(.get, "/catalog?page=3", as: admin.token).body)
            #expect(
                last.contains("201–250 of 250") && last.contains("<code>t249</code>") && !last.contains(#"rel="next""#))
            #expect(last.contains(#"href="/catalog?page=2" rel="prev""#))

            // A page past the end is the last page; a page that is not a number is the first.
            let past = String(buffer: try await client.raw(.get, "/catalog?page=99", as: admin.token).body)
            #expect(past.contains("201–250 of 250"))
            let junk = String(buffer: try await client.raw(.get, "/catalog?page=abc", as: admin.token).body)
            #expect(junk.contains("1–100 of 250"))

            // The search is kept across pages.
            let even = String(buffer: try await client.raw(.get, "/catalog?q=even&page=2", as: admin.token).body)
            #expect(even.contains("101–125 of 125") && even.contains(#"href="/catalog?q=even" rel="prev""#))
            #expect(even.contains("<code>t248</code>") && !even.contains("<code>t249</code>"))

            let dashboard = String(buffer: try await client.raw(.get, "/dashboard", as: admin.token).body)
            #expect(dashboard.contains("1–100 of 250") && dashboard.contains("<strong>250</strong> tables"))
        }
    }

    @Test func theDashboardPutsWhatNeedsAttentionOnTheFirstPage() async throws {
        let fixture = try await ServerFixture.fast()
        let registry = DuckDBTableRegistryRepository(store: fixture.services.store)
        for index in 0..<150 {
            let id = String(format: "t%03d", index)
            _ = try await registry.register(TableRegistration(id: id, name: id, sourceType: "local"))
            // Every table synced, except the last one.
            if index < 149 {
                _ = try await DuckDBSyncStateRepository(store: fixture.services.store).upsert(
                    SyncState(tableID: id, lastSync: Date(), rows: 1, fileSizeBytes: 10))
            }
        }
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let html = String(buffer: try await client.raw(.get, "/dashboard", as: admin.token).body)
            #expect(html.contains("<strong>1</strong> need attention"))
            let body = try #require(html.range(of: "<tbody>"))
            let firstRow = html[body.upperBound...].prefix(200)
            #expect(firstRow.contains("<code>t149</code>"), "\(firstRow)")
        }
    }

    @Test func errorsOnPagePathsAreHTMLForBrowsersAndJSONForScripts() async throws {
        let fixture = try await ServerFixture.fast()
        let analyst = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            // An unknown page: HTML for a browser, JSON for curl (`*/*`).
            let page = try await client.raw(.get, "/no/such/page", as: analyst.token, headers: Self.browser)
            #expect(page.status == .notFound)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let html = String(buffer: page.body)
            #expect(html.contains("<h1>Not found</h1>") && html.contains("<!doctype html>"))
            let json = try await client.raw(.get, "/no/such/page", as: analyst.token, headers: [.accept: "*/*"])
            #expect(json.status == .notFound && json.headers[.contentType]?.hasPrefix("application/json") == true)

            // API paths keep JSON, even for a browser, and a 401 there is not a redirect.
            let api = try await client.raw(.get, "/api/no-such-route", as: analyst.token, headers: Self.browser)
            #expect(api.status == .notFound && api.headers[.contentType]?.hasPrefix("application/json") == true)
            let unauthenticated = try await client.raw(.get, "/api/metrics", as: nil, headers: Self.browser)
            #expect(unauthenticated.status == .unauthorized)

            // A 401 on a page is a redirect to sign in, coming back with the query kept.
            let signIn = try await client.raw(.get, "/query?table=orders", as: nil, headers: Self.browser)
            #expect(signIn.status == .found)
            #expect(signIn.headers[.location] == "/login?next=%2Fquery%3Ftable%3Dorders")

            // A bad token on a page is the same redirect (the page never says why).
            let stale = try await client.raw(.get, "/query", as: "not-a-token", headers: Self.browser)
            #expect(stale.status == .found && stale.headers[.location] == "/login?next=%2Fquery")

            // A detail with markup is shown as text.
            let marked = try await client.raw(
                .get, "/catalog/%3Cscript%3Ealert(1)%3C%2Fscript%3E", as: analyst.token, headers: Self.browser)
            #expect(marked.status == .forbidden)
            #expect(!String(buffer: marked.body).contains("<script>alert(1)"))
        }
    }

    @Test func theTableListsSeeEveryWriteAtOnce() async throws {
        // The lists read the registry once per store write: a registration, a sync or a new description
        // shows on the very next page.
        let fixture = try await ServerFixture.fast()
        try await fixture.registerTable("orders")
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let before = String(buffer: try await client.raw(.get, "/catalog", as: admin.token).body)
            #expect(before.contains("<code>orders</code>") && !before.contains("<code>refunds</code>"))
            try await fixture.registerTable("refunds")
            let registered = String(buffer: try await client.raw(.get, "/catalog", as: admin.token).body)
            #expect(registered.contains("<code>refunds</code>"))
            #expect(String(buffer: try await client.raw(.get, "/dashboard", as: admin.token).body).contains("never"))
            _ = try await DuckDBSyncStateRepository(store: fixture.services.store).upsert(
                SyncState(tableID: "refunds", lastSync: Date(), rows: 4_321, fileSizeBytes: 10))
            _ = try await DuckDBSyncStateRepository(store: fixture.services.store).upsert(
                SyncState(tableID: "orders", lastSync: Date(), rows: 7, fileSizeBytes: 10))
            let synced = String(buffer: try await client.raw(.get, "/dashboard", as: admin.token).body)
            #expect(synced.contains("4,321") && !synced.contains("never"))
        }
    }
}
