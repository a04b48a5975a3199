import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/first-time-setup`, `/setup`, `/admin/prompts` and `/admin/server-config`.
struct SettingsPagesTests {
    static func form(_ fields: [(String, String)]) -> (HTTPFields, ByteBuffer) {
        (FormRequest.headers, FormRequest.body(fields))
    }

    @Test func theFirstAdminIsCreatedOnceThroughTheSetupForm() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            let login = String(buffer: try await client.raw(.get, "/login", as: nil).body)
            #expect(login.contains(#"<a href="/first-time-setup">set up the first administrator</a>"#))
            let page = try await client.raw(.get, "/first-time-setup", as: nil)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains(#"<form method="post" action="/auth/bootstrap/web">"#))

            // Refusals go back to the form with their reason, and create nobody.
            for (fields, reason) in [
                (
                    [
                        ("email", "boss@example.com"), ("password", "long-enough-1"),
                        ("confirm_password", "other-one-2"),
                    ],
                    "mismatch"
                ),
                (
                    [("email", "not-an-email"), ("password", "long-enough-1"), ("confirm_password", "long-enough-1")],
                    "invalid_email"
                ),
            ] {
                let (headers, body) = Self.form(fields)
                let refused = try await client.execute(
                    uri: "/auth/bootstrap/web", method: .post, headers: headers, body: body)
                #expect(refused.status == .found)
                #expect(refused.headers[.location] == "/first-time-setup?error=\(reason)")
                #expect(refused.headers[.setCookie] == nil)
            }
            #expect(try await DuckDBUserRepository(store: fixture.services.store).noneHasPassword())
            let shown = String(buffer: try await client.raw(.get, "/first-time-setup?error=mismatch", as: nil).body)
            #expect(shown.contains("The two passwords differ."))

            let (headers, body) = Self.form([
                ("email", "boss@example.com"), ("name", "Boss"), ("password", "long-enough-1"),
                ("confirm_password", "long-enough-1"),
            ])
            let created = try await client.execute(
                uri: "/auth/bootstrap/web", method: .post, headers: headers, body: body)
            #expect(created.status == .found && created.headers[.location] == "/dashboard")
            let cookie = try #require(created.headers[.setCookie])
            #expect(cookie.hasPrefix("access_token=") && cookie.contains("HttpOnly"))
            let boss = try #require(
                try await DuckDBUserRepository(store: fixture.services.store).find(email: "boss@example.com"))
            #expect(try await DuckDBGroupRepository(store: fixture.services.store).isAdmin(userID: boss.id))

            // Closed from now on: the page sends to sign-in, and a second post changes nothing.
            let closed = try await client.raw(.get, "/first-time-setup", as: nil)
            #expect(closed.status == .found && closed.headers[.location] == "/login")
            #expect(!String(buffer: try await client.raw(.get, "/login", as: nil).body).contains("first-time-setup"))
            let (again, second) = Self.form([
                ("email", "mallory@example.com"), ("password", "long-enough-2"), ("confirm_password", "long-enough-2"),
            ])
            let refused = try await client.execute(
                uri: "/auth/bootstrap/web", method: .post, headers: again, body: second)
            // The form's limit (3 a minute, as the JSON route) is used up by now; either way nobody is created.
            #expect(refused.status == .tooManyRequests || refused.headers[.location] == "/login")
            #expect(
                try await DuckDBUserRepository(store: fixture.services.store).find(email: "mallory@example.com") == nil)

            // A cross-site post is refused before anything happens (login CSRF).
            var foreign = again
            foreign[.origin] = "https://evil.example"
            let blocked = try await client.execute(
                uri: "/auth/bootstrap/web", method: .post, headers: foreign, body: second)
            #expect(blocked.status == .forbidden)
        }
    }

    @Test func theSetupFormSendsToSignInOnceAnAccountHasAPassword() async throws {
        let fixture = try await ServerFixture.fast()
        _ = try await fixture.admin()  // an account with a password
        try await fixture.application.test(.router) { client in
            let (headers, body) = Self.form([
                ("email", "mallory@example.com"), ("password", "long-enough-2"), ("confirm_password", "long-enough-2"),
            ])
            let refused = try await client.execute(
                uri: "/auth/bootstrap/web", method: .post, headers: headers, body: body)
            #expect(refused.status == .found && refused.headers[.location] == "/login")
            #expect(
                try await DuckDBUserRepository(store: fixture.services.store).find(email: "mallory@example.com") == nil)
        }
    }

    @Test func aShortPasswordAndAnUnreadableFormGoBackToTheFormWithTheirReason() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            let (headers, body) = Self.form([
                ("email", "boss@example.com"), ("password", "short"), ("confirm_password", "short"),
            ])
            let short = try await client.execute(
                uri: "/auth/bootstrap/web", method: .post, headers: headers, body: body)
            #expect(short.headers[.location] == "/first-time-setup?error=too_short")
            let unreadable = try await client.execute(
                uri: "/auth/bootstrap/web", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{not json"))
            #expect(unreadable.headers[.location] == "/first-time-setup?error=invalid_form")
            #expect(try await DuckDBUserRepository(store: fixture.services.store).noneHasPassword())
            let page = String(buffer: try await client.raw(.get, "/first-time-setup?error=too_short", as: nil).body)
            #expect(page.contains("The password must be at least 8 characters."))
        }
    }

    @Test func theSetupPageGivesTheBootstrapToVisitorsAndUsersWithTheAdminsOverrideEscaped() async throws {
        let fixture = try await ServerFixture.fast()
        let admin = try await fixture.admin()
        let analyst = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let install = try await client.raw(.get, "/install", as: nil)
            #expect(install.status == .found && install.headers[.location] == "/setup")
            let visitor = try await client.raw(.get, "/setup", as: nil)
            #expect(visitor.status == .ok)
            let anonymous = String(buffer: visitor.body)
            #expect(anonymous.contains("/cli/install.sh") && anonymous.contains(#"href="/login?next=%2Fsetup""#))
            #expect(!anonymous.contains("Sign out"))
            let mine = String(buffer: try await client.raw(.get, "/setup", as: analyst.token).body)
            #expect(mine.contains("signed in as ana@example.com") && !mine.contains(#"href="/login?next"#))
            #expect(mine.contains(#"<pre id="setup-prompt">"#) && mine.contains(#"data-copy="setup-prompt""#))

            // The admin's override is what the page shows, as text.
            let saved = try await client.execute(
                uri: "/api/admin/welcome-template", method: .put, headers: JSONRequest.bearer(admin.token),
                body: ByteBuffer(string: #"{"content":"Hello {{user.email}} <script>alert(1)</script>"}"#))
            #expect(saved.status == .ok)
            let custom = String(buffer: try await client.raw(.get, "/setup", as: analyst.token).body)
            #expect(custom.contains("Hello ana@example.com &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!custom.contains("<script>alert(1)"))
        }
    }

    @Test func thePromptEditorsAreForAdminsAndShowTheStoredText() async throws {
        let fixture = try await ServerFixture.fast()
        let admin = try await fixture.admin()
        let analyst = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let page = String(buffer: try await client.raw(.get, "/admin/prompts", as: admin.token).body)
            #expect(page.contains(#"data-api="/api/admin/workspace-prompt-template" data-method="PUT""#))
            #expect(page.contains(#"data-api="/api/admin/welcome-template/preview""#))
            #expect(page.contains("The shipped default.") && !page.contains("Reset to default"))
            _ = try await client.execute(
                uri: "/api/admin/workspace-prompt-template", method: .put, headers: JSONRequest.bearer(admin.token),
                body: ByteBuffer(string: ##"{"content":"# Team\nRun da sync </textarea><b>x</b>"}"##))
            let custom = String(buffer: try await client.raw(.get, "/admin/prompts", as: admin.token).body)
            #expect(custom.contains("# Team\nRun da sync &lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;</textarea>"))
            #expect(
                custom.contains("It still uses texts of the old CLI: da sync.") && custom.contains("Reset to default"))
            #expect(custom.contains("by root@example.com"))

            let denied = try await client.raw(.get, "/admin/prompts", as: analyst.token)
            #expect(denied.status == .forbidden && !String(buffer: denied.body).contains("welcome-template"))
            let anonymous = try await client.raw(.get, "/admin/prompts", as: nil)
            #expect(anonymous.status == .found && anonymous.headers[.location] == "/login?next=%2Fadmin%2Fprompts")
            let index = String(buffer: try await client.raw(.get, "/admin", as: admin.token).body)
            #expect(index.contains(#"<a href="/admin/prompts">Prompts</a>"#))
        }
    }

    @Test func theServerConfigurationShowsEverySectionWithDangerConfirmedAndSecretsRedacted() async throws {
        let fixture = try await ServerFixture.fast()
        let admin = try await fixture.admin()
        let analyst = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            // A secret saved through the API is never shown back.
            let saved = try await client.execute(
                uri: "/api/admin/server-config", method: .post, headers: JSONRequest.bearer(admin.token),
                body: ByteBuffer(
                    string: #"{"sections":{"telegram":{"bot_token":"12345:very-secret","bot_username":"<b>bot</b>"}}}"#)
            )
            #expect(saved.status == .ok)
            let page = try await client.raw(.get, "/admin/server-config", as: admin.token)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            // Every section the API lets an admin edit has its editor.
            let api = try await client.call(.get, "/api/admin/server-config", as: admin.token)
            let sections = try #require(api.object["sections"] as? [String: Any]).keys.sorted()
            #expect(sections.count >= 15)
            for section in sections {
                #expect(html.contains(#"name="sections.\#(section)" data-type="json""#), "\(section)")
            }
            #expect(!html.contains("very-secret") && html.contains("&quot;***&quot;"))
            #expect(html.contains("&lt;b&gt;bot&lt;/b&gt;") && !html.contains("<b>bot</b>"))
            // Only the danger sections ask for the confirmation.
            #expect(html.contains(#"id="confirm-auth" name="confirm_danger""#))
            #expect(html.contains(#"id="confirm-server" name="confirm_danger""#))
            #expect(!html.contains(#"id="confirm-telegram""#))

            let denied = try await client.raw(.get, "/admin/server-config", as: analyst.token)
            #expect(denied.status == .forbidden)
        }
    }
}
