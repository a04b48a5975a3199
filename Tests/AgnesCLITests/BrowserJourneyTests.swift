import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The web UI in a real browser: headless Chromium (``WebDriver``) against a real `agnes serve --demo`,
/// the way an admin and an analyst use it. Screenshots of each step go to `browser-screenshots/` at the
/// package root (git-ignored), to look at when a step fails.
@Suite(.serialized) struct BrowserJourneyTests {
    static let adminEmail = "admin@example.com"
    static let adminPassword = "journey-password-1"

    static var screenshots: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("browser-screenshots")
    }

    /// The folder of one test's screenshots, emptied of an earlier run's.
    static func freshScreenshots(_ name: String) -> URL {
        let folder = screenshots.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: folder)
        return folder
    }

    /// The demo server with a seed admin.
    /// `agnes serve --demo`, with the scheduler's `data-refresh` off: a page test registers files by
    /// hand, and a scheduled full run would register them first (the start-up run is the only one).
    static func demoServer(_ root: TemporaryDirectory) async throws -> ServerProcess {
        let config = root.path("config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try "scheduler:\n  jobs:\n    data-refresh: {enabled: false}\n".write(
            to: config.appendingPathComponent("instance.yaml"), atomically: true, encoding: .utf8)
        return try await ServerProcess(
            dataDirectory: root.path("data"), arguments: ["--demo", "--demo-scale", "0.002"],
            environment: [
                "SEED_ADMIN_EMAIL": adminEmail, "SEED_ADMIN_PASSWORD": adminPassword, "CONFIG_DIR": config.path,
            ])
    }

    /// Signs in through the password form, starting from a page that needs a session.
    static func signIn(_ browser: WebDriver, base: String, email: String, password: String, landing: String)
        async throws
    {
        try await browser.open(base + landing)
        try await browser.waitForPath("/login")
        #expect(try await browser.currentURL().contains("next="))
        try await browser.open(
            base + "/login/password?next="
                + (landing.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        try await browser.waitFor("#email").type(email)
        try await browser.find("#password").type(password)
        try await browser.find("form[action='/auth/password/login/web'] button[type=submit]").click()
        try await browser.waitForPath(landing)
    }

    @Test func anAdminSignsInReadsTheCatalogAndQueries() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let server = try await Self.demoServer(root)
        defer { Task { await server.stop() } }
        try await WebDriver.with { browser in try await Self.adminJourney(browser, server: server) }
    }

    static func adminJourney(_ browser: WebDriver, server: ServerProcess) async throws {
        let shots = Self.freshScreenshots("admin")

        try await Self.signIn(
            browser, base: server.base, email: Self.adminEmail, password: Self.adminPassword, landing: "/dashboard")
        let dashboard = try await browser.find("main").text()
        #expect(dashboard.contains("Signed in as admin@example.com (admin)"))
        #expect(dashboard.contains("orders") && dashboard.contains("tables you may read"))
        try await browser.screenshot("1-dashboard", in: shots)

        // The catalog, then a table's profile with its distributions drawn.
        try await browser.find("nav a[href='/catalog']").click()
        try await browser.waitForPath("/catalog")
        try await browser.find("a[href='/catalog/orders']").click()
        try await browser.waitForPath("/catalog/orders")
        try await browser.wait("the profile's histograms") {
            try await browser.findAll("svg.chart rect").count > 3
        }
        #expect(try await browser.find("h1").text() == "orders")
        try await browser.screenshot("2-profile", in: shots)

        // The query console: an error in place, then a result with its CSV.
        try await browser.open(server.base + "/query")
        let sql = try await browser.waitFor("#sql")
        try await sql.clear()
        try await sql.type("SELECT nope FROM orders")
        try await sql.type(WebDriver.Key.control + WebDriver.Key.enter + WebDriver.Key.release)
        try await browser.wait("the error in place") { !(try await browser.find("#query-error").text()).isEmpty }
        #expect(try await browser.find("#query-error").text().lowercased().contains("nope"))
        try await browser.screenshot("3-query-error", in: shots)
        try await sql.clear()
        try await sql.type("SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status")
        try await browser.find("#query-console button[type=submit]").click()
        try await browser.wait("the result table") { try await browser.findAll("#query-result td").count > 1 }
        #expect(try await browser.find("#query-error").text().isEmpty)
        #expect(try await browser.find("#query-result thead").text().contains("status"))
        let csv = try await browser.find("#query-result a[download]")
        #expect(try await csv.attribute("download") == "result.csv")
        try await browser.screenshot("4-query-result", in: shots)

        // A page that does not exist is an HTML page in the browser, not JSON.
        try await browser.open(server.base + "/no/such/page")
        try await browser.wait("the 404 page") { try await browser.find("h1").text() == "Not found" }
    }

    @Test func aPhoneSizedWindowShowsTheSamePagesWithoutSidewaysScrolling() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let server = try await Self.demoServer(root)
        defer { Task { await server.stop() } }
        try await WebDriver.with(width: 360, height: 780) { browser in try await Self.phone(browser, server: server) }
    }

    static func phone(_ browser: WebDriver, server: ServerProcess) async throws {
        let shots = Self.freshScreenshots("phone")
        try await Self.signIn(
            browser, base: server.base, email: Self.adminEmail, password: Self.adminPassword, landing: "/dashboard")
        for (name, path) in [
            ("dashboard", "/dashboard"), ("catalog", "/catalog"), ("profile", "/catalog/orders"), ("query", "/query"),
        ] {
            try await browser.open(server.base + path)
            try await browser.waitForPath(path)
            // Wide tables scroll inside their own box; the page itself never scrolls sideways.
            let overflow =
                try await browser.execute(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth") as? Int
            #expect(overflow == 0, "\(path) is \(overflow ?? -1) px wider than the window")
            try await browser.screenshot(name, in: shots)
        }
    }

    @Test func everyPageAnAdminCanReachLoadsCleanlyWithLabelledControls() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let server = try await Self.demoServer(root)
        defer { Task { await server.stop() } }
        try await WebDriver.with { browser in try await Self.crawl(browser, server: server) }
    }

    /// Every page linked from the navigation and the admin index (and one level below them): it answers
    /// a page (no error page), its console has no error (a CSP violation included), every form control
    /// has a label, and it does not scroll sideways.
    static func crawl(_ browser: WebDriver, server: ServerProcess) async throws {
        let shots = Self.freshScreenshots("pages")
        try await Self.signIn(
            browser, base: server.base, email: Self.adminEmail, password: Self.adminPassword, landing: "/dashboard")
        _ = try await browser.consoleErrors()
        var queue = ["/dashboard", "/admin"]
        var seen = Set<String>()
        let linkScript = """
            return Array.from(document.querySelectorAll('main a[href^="/"], nav a[href^="/"]'))
              .map((a) => a.getAttribute('href'))
            """
        while let path = queue.first, seen.count < 60 {
            queue.removeFirst()
            guard seen.insert(path).inserted else { continue }
            try await browser.open(server.base + path)
            try await browser.wait("\(path) loaded") {
                try await browser.execute("return document.readyState") as? String == "complete"
            }
            let title = try await browser.find("h1").text()
            #expect(!["Not found", "Something went wrong", "Access denied"].contains(title), "\(path): \(title)")
            let errors = try await browser.consoleErrors()
            #expect(errors.isEmpty, "\(path): \(errors)")
            let unlabelled = try await browser.unlabelledControls()
            #expect(unlabelled.isEmpty, "\(path): \(unlabelled)")
            let overflow =
                try await browser.execute(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth") as? Int
            #expect(overflow == 0, "\(path) scrolls sideways by \(overflow ?? -1) px")
            let name = path.split(separator: "/").joined(separator: "-").prefix(60)
            try await browser.screenshot(name.isEmpty ? "root" : String(name), in: shots)
            // Follow links of the first two levels, not every row of every list.
            guard path.split(separator: "/").count <= 2 else { continue }
            for case let link as String in try await browser.execute(linkScript) as? [Any] ?? [] {
                let target = String(link.prefix { $0 != "#" })
                guard !target.hasPrefix("/static/"), !target.hasPrefix("/auth/"), !target.hasPrefix("/api/"),
                    !target.hasPrefix("/cli/"), !target.contains("?"), !seen.contains(target)
                else { continue }
                queue.append(target)
            }
        }
        #expect(seen.count > 5, "only \(seen.sorted()) were reached")
    }

    @Test func aGrantReachesAGroupsMemberAndAnApprovedItemReachesEveryone() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let server = try await Self.demoServer(root)
        defer { Task { await server.stop() } }
        // A file an admin placed in the local source, to register from the admin pages. The local source
        // registers new files by itself on every full sync run, so the file is placed once the start-up
        // run is over (the scheduled one is off for this server, see `demoServer`).
        try await Self.waitForSyncRuns(base: server.base)
        try "region,manager\nNorth,Ann\nSouth,Bob\n".write(
            to: root.path("data").appendingPathComponent("sources/local/regions.csv"), atomically: true,
            encoding: .utf8)
        try await WebDriver.with { browser in try await Self.grantAndMemory(browser, server: server) }
    }

    /// Waits until the server has run a sync and none is queued or running (through the admin's API).
    static func waitForSyncRuns(base: String) async throws {
        func call(_ method: HTTPMethod, _ path: String, token: String?, body: String?) async throws -> [String: Any] {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
            return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        }
        let signedIn = try await call(
            .POST, "/auth/token", token: nil,
            body: #"{"email":"\#(adminEmail)","password":"\#(adminPassword)"}"#)
        let token = try #require(signedIn["access_token"] as? String)
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let runs =
                try await call(.GET, "/api/sync/runs?limit=20", token: token, body: nil)["runs"] as? [[String: Any]]
            if let runs, !runs.isEmpty, runs.allSatisfy({ $0["finished_at"] is String }) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("the start-up sync run did not finish")
    }

    /// Fills the fields (CSS selector → text) and presses the form's submit button.
    static func fill(_ browser: WebDriver, _ fields: [(String, String)], submit: String) async throws {
        for (selector, text) in fields {
            let field = try await browser.waitFor(selector)
            try await field.clear()
            try await field.type(text)
        }
        try await browser.find(submit).click()
    }

    static func signOut(_ browser: WebDriver) async throws {
        try await browser.find("header form[action='/auth/logout'] button").click()
        try await browser.waitForPath("/login")
    }

    static func grantAndMemory(_ browser: WebDriver, server: ServerProcess) async throws {
        let shots = Self.freshScreenshots("grant")
        let base = server.base
        try await Self.signIn(
            browser, base: base, email: Self.adminEmail, password: Self.adminPassword, landing: "/dashboard")

        // The table: picked from the local source's files, checked, registered.
        try await browser.open(base + "/admin/tables/new?source=local")
        let findRegions = """
            return Array.from(document.querySelectorAll('#pick-file option'))
              .find((o) => o.textContent.includes('regions')) || null;
            """
        try await browser.wait("the file in the picker", seconds: 30) {
            let enabled = try await browser.execute("return document.getElementById('pick-file').disabled") as? Bool
            let option = try await browser.executeElement(findRegions)
            return enabled == false && option != nil
        }
        // Choosing the file fills the form; on a loaded machine a click can land before the page is
        // ready for it, so it is chosen again until the form shows it.
        try await browser.wait("the picker to fill the form", seconds: 30) {
            if try await browser.execute(
                "return document.querySelector('#register-table [name=source_table]').value") as? String
                == "regions.csv"
            {
                return true
            }
            try await browser.executeElement(findRegions)?.click()
            return false
        }
        try await browser.find("#register-table button[data-api$='/precheck']").click()
        try await browser.wait("the precheck") {
            try await browser.execute("return document.getElementById('precheck').classList.contains('hidden')")
                as? Bool == false
        }
        try await browser.screenshot("0-precheck", in: shots)
        try await browser.find("#register-table button.primary").click()
        try await browser.waitForPath("/admin/tables/regions")

        // A group, a member with a password, and the member in the group: all from the admin pages.
        try await browser.open(base + "/admin/groups")
        try await Self.fill(
            browser, [("#group-name", "Finance")], submit: "form[data-api='/api/admin/groups'] button[type=submit]")
        try await browser.wait("the new group's page") {
            try await browser.find("h1").text().contains("Finance")
        }
        try await browser.open(base + "/admin/users")
        try await Self.fill(
            browser, [("#new-email", "fiona@example.com"), ("#new-name", "Fiona")],
            submit: "form[data-api='/api/users'] button[type=submit]")
        try await browser.wait("the new user's page") { try await browser.find("h1").text().contains("fiona") }
        try await Self.fill(
            browser, [("#user-password", "fiona-password-1")],
            submit: "form[data-api$='/set-password'] button[type=submit]")
        try await browser.wait("the password set") {
            try await browser.find("form[data-api$='/set-password'] [data-result]").text() == "The password is set."
        }
        try await browser.find("#join-group").type("Finance")
        try await browser.find("form:has(#join-group) button[type=submit]").click()
        // The membership's own row (the group's name is in the picker from the start).
        try await browser.wait("the membership") {
            !(try await browser.findAll("form[data-api*='/memberships/'][data-method=DELETE]")).isEmpty
        }
        try await browser.screenshot("1-member", in: shots)

        // The grant: the Finance × regions box of the access matrix.
        try await browser.open(base + "/admin/access")
        let cell = try #require(
            try await browser.executeElement(
                """
                const label = Array.from(document.querySelectorAll('table.matrix label'))
                  .find((l) => l.textContent.startsWith('Finance may reach') && l.textContent.includes('regions'));
                return label ? document.getElementById(label.htmlFor) : null;
                """), "no Finance × regions box")
        try await cell.click()
        try await browser.wait("the grant saved") {
            try await browser.execute("return document.getElementById('matrix-status').textContent") as? String
                != ""
        }
        try await browser.open(base + "/admin/access")
        #expect(
            try await browser.execute(
                """
                const label = Array.from(document.querySelectorAll('table.matrix label'))
                  .find((l) => l.textContent.startsWith('Finance may reach') && l.textContent.includes('regions'));
                return document.getElementById(label.htmlFor).checked;
                """) as? Bool == true)
        try await browser.screenshot("2-granted", in: shots)
        try await Self.signOut(browser)

        // The member sees the granted table and nothing else, and contributes what she knows.
        try await Self.signIn(
            browser, base: base, email: "fiona@example.com", password: "fiona-password-1", landing: "/catalog")
        let catalog = try await browser.find("main").text()
        #expect(catalog.contains("regions") && !catalog.contains("orders") && !catalog.contains("customers"))
        #expect(try await browser.findAll("nav a[href='/admin']").isEmpty)
        try await browser.open(base + "/corporate-memory")
        try await Self.fill(
            browser,
            [
                ("#new-title", "Customers churn in March"),
                ("#new-content", "Count churn by the cancelled_at date, not by the last order."),
                ("#new-category", "metrics"),
            ], submit: "form[data-api='/api/memory'] button[type=submit]")
        try await browser.wait("the contribution listed") {
            try await browser.find("main").text().contains("Customers churn in March")
        }
        try await browser.screenshot("3-contributed", in: shots)
        try await Self.signOut(browser)

        // The admin approves it from the review queue.
        try await Self.signIn(
            browser, base: base, email: Self.adminEmail, password: Self.adminPassword,
            landing: "/corporate-memory/admin")
        let approve = try #require(
            try await browser.executeElement(
                """
                const row = Array.from(document.querySelectorAll('tr'))
                  .find((tr) => tr.textContent.includes('Customers churn in March'));
                return row ? row.querySelector('form[data-api^="/api/memory/admin/approve"] button') : null;
                """), "the item is not in the review queue")
        try await approve.click()
        try await browser.wait("the queue emptied") {
            try await browser.findAll("form[data-api^='/api/memory/admin/approve']").isEmpty
        }
        try await browser.screenshot("4-approved", in: shots)
        try await browser.open(base + "/corporate-memory")
        try await browser.wait("the approved item for everyone") {
            try await browser.find("main").text().contains("Count churn by the cancelled_at date")
        }
        try await browser.screenshot("5-knowledge", in: shots)
    }
}
