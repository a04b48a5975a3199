import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// The sign-in pages the auth flows redirect to (REFERENCE §9): `/login`, `/login/password`,
/// `/login/email`, plus `/`, `/dashboard` (``DashboardPage``), `/catalog` (``CatalogPage``) and
/// `POST /auth/logout`.
struct LoginPages {
    let services: AgnesServices

    /// Messages for the `error=` / `msg=` codes the flows redirect with.
    static let messages: [String: String] = [
        "invalid": "Invalid email or password.",
        "deactivated": "This account is deactivated. Ask an administrator.",
        "invalid_link": "This sign-in link is invalid or has expired. Ask for a new one.",
        "google_not_configured": "Google sign-in is not configured on this server.",
        "no_email": "Google did not share an email address.",
        "domain_not_allowed": "Accounts of this domain may not sign in here.",
        "not_in_allowed_group": "Your account is not in a group allowed to sign in.",
        "oauth_failed": "Google sign-in failed. Try again.",
        "auth_internal": "Sign-in failed because of a server error. Try again.",
        "password_reset": "Your password has been changed.",
        "mismatch": "The two passwords differ.",
        "too_short": "The password must be at least \(PasswordHasher.minimumLength) characters.",
        "invalid_email": "That is not an email address.",
        "invalid_form": "The form could not be read. Try again.",
    ]

    func register(on router: Router<AgnesRequestContext>) {
        _ = WebTemplates.library  // parsed now, at start-up, not on the first page view
        WebAssets.register(on: router)
        router.get("/") { request, context in
            let signedIn = (try? await services.caller(request, context)) != nil
            return LoginSession.redirect(
                to: signedIn ? LoginSession.defaultLanding : "/login", settings: services.settings)
        }
        router.get("/login") { request, _ in
            if services.settings.isLocalDevMode {
                return LoginSession.redirect(to: LoginSession.defaultLanding, settings: services.settings)
            }
            let isFirstRun = try await DuckDBUserRepository(store: services.store).noneHasPassword()
            return loginChoice(
                next: request.uri.queryParameters["next"].map(String.init), request: request, isFirstRun: isFirstRun
            ).response()
        }
        router.get("/first-time-setup") { request, _ in
            // Only while no account has a password: afterwards this is just the way to sign in.
            guard try await DuckDBUserRepository(store: services.store).noneHasPassword() else {
                return LoginSession.redirect(to: "/login", settings: services.settings)
            }
            return firstTimeSetup(request).response()
        }
        router.get("/install") { _, _ in
            LoginSession.redirect(to: "/setup", settings: services.settings)
        }
        router.get("/login/password") { request, _ in
            passwordPage(request).response()
        }
        router.get("/login/email") { request, _ in
            emailPage(request).response()
        }
        router.get("/dashboard") { request, context in
            guard let caller = try? await services.caller(request, context) else { return signIn(request) }
            return try await DashboardPage(services: services).response(for: caller, request: request)
        }
        router.get("/catalog") { request, context in
            guard let caller = try? await services.caller(request, context) else { return signIn(request) }
            return try await CatalogPage(services: services).list(for: caller, request: request)
        }
        router.get("/catalog/:table") { request, context in
            guard let caller = try? await services.caller(request, context) else { return signIn(request) }
            return try await CatalogPage(services: services).table(context.parameters.get("table") ?? "", for: caller)
        }
        router.post("/auth/logout") { request, _ in
            // The session itself ends, not just the cookie: a copy of the token is refused from now on.
            if let token = request.bearerToken ?? request.cookies[CSRFMiddleware.cookieName]?.value {
                try await services.auth.authenticator.signOut(token: token)
            }
            return Response(status: .found, headers: [.location: "/login", .setCookie: LoginSession.clearingCookie])
        }
        router.post("/auth/logout/everywhere") { request, context in
            let caller = try await services.caller(request, context)
            _ = try await DuckDBUserRepository(store: services.store).endSessions(id: caller.user.id)
            await services.audit("user.sessions_ended", userID: caller.user.id, params: ["email": caller.user.email])
            return Response(status: .found, headers: [.location: "/login", .setCookie: LoginSession.clearingCookie])
        }
    }

    /// A page asked for without a session: to sign-in, coming back to the page's path afterwards.
    private func signIn(_ request: Request) -> Response {
        let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return LoginSession.redirect(to: "/login?next=\(next)", settings: services.settings)
    }

    private func notice(_ request: Request) -> String {
        let error = request.uri.queryParameters["error"] ?? request.uri.queryParameters["err"]
        if let error, let text = Self.messages[String(error)] { return HTMLPage.error(text) }
        if let message = request.uri.queryParameters["msg"], let text = Self.messages[String(message)] {
            return "<p class=\"note\" role=\"status\">\(HTMLPage.escape(text))</p>"
        }
        return ""
    }

    private func firstTimeSetup(_ request: Request) -> HTMLPage {
        HTMLPage(
            title: "Set up \(services.settings.instanceName)",
            body: """
                \(notice(request))
                <p class="note">No account has a password yet. The first account you create here is an administrator;
                this page closes as soon as it exists.</p>
                <form method="post" action="/auth/bootstrap/web">
                <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
                <label for="name">Your name (optional)</label><input id="name" name="name" type="text" autocomplete="name">
                <label for="password">Password (at least \(PasswordHasher.minimumLength) characters)</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required minlength="\(PasswordHasher.minimumLength)">
                <label for="confirm">The password again</label>
                <input id="confirm" name="confirm_password" type="password" autocomplete="new-password" required>
                <div class="actions"><button type="submit" class="primary">Create the admin account</button></div>
                </form>
                """)
    }

    private func loginChoice(next: String?, request: Request, isFirstRun: Bool) -> HTMLPage {
        let next = LoginSession.safeNext(next)
        let query = "next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        var options = ""
        let environment = services.settings.environment
        if environment["GOOGLE_CLIENT_ID"]?.isEmpty == false, environment["GOOGLE_CLIENT_SECRET"]?.isEmpty == false {
            options += "<p><a class=\"button\" href=\"/auth/google/login?\(query)\">Sign in with Google</a></p>"
        }
        options += "<p><a class=\"button\" href=\"/login/password?\(query)\">Email and password</a></p>"
        if services.mailer != nil || services.settings.isLocalDevMode {
            options += "<p><a class=\"button\" href=\"/login/email\">Email me a sign-in link</a></p>"
        }
        if isFirstRun {
            options =
                "<p class=\"note\" role=\"status\">No account has a password yet: "
                + "<a href=\"/first-time-setup\">set up the first administrator</a>.</p>" + options
        }
        return HTMLPage(title: "Sign in to \(services.settings.instanceName)", body: notice(request) + options)
    }

    private func passwordPage(_ request: Request) -> HTMLPage {
        let next = LoginSession.safeNext(request.uri.queryParameters["next"].map(String.init))
        return HTMLPage(
            title: "Sign in",
            body: """
                \(notice(request))
                <form method="post" action="/auth/password/login/web">
                \(HTMLPage.hidden("next", next))
                <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                <button type="submit">Sign in</button>
                </form>
                <form method="post" action="/auth/password/reset">
                <p class="note">Forgot it? We can mail you a link to choose a new one.</p>
                <label for="reset-email">Email</label><input id="reset-email" name="email" type="email" autocomplete="username" required>
                <button type="submit">Send a reset link</button>
                </form>
                """)
    }

    private func emailPage(_ request: Request) -> HTMLPage {
        HTMLPage(
            title: "Email me a sign-in link",
            body: """
                \(notice(request))
                <form id="magic" data-api="/auth/email/send-link">
                <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
                <div class="actions"><button type="submit" class="primary">Send link</button></div>
                <p data-result></p>
                </form>
                """)
    }
}
