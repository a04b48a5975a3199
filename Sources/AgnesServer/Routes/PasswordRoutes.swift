import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird
import Logging

/// The browser password flows (REFERENCE §1.1): the sign-in form, invite/setup and reset.
///
/// Decided where the original leaks or is loose:
/// - `POST /auth/password/setup` answers an unknown email like a wrong token (400 `Invalid setup
///   token`), not 404, so it cannot be used to probe for accounts.
/// - Requests that mail a link answer the same page at the same speed whether or not the account
///   exists: the mail goes out in the background.
/// - Tokens are stored as SHA-256 hashes and consumed by compare-and-swap on (hash, email, age); a
///   password is validated before its token is consumed, so a typo does not burn the link. A
///   deactivated account's valid token is consumed, then refused.
struct PasswordRoutes {
    let services: AgnesServices

    func register(on router: Router<AgnesRequestContext>) {
        let limiter = services.rateLimiter
        router.post("/auth/password/login/web") { request, context in
            try limiter.check(route: "auth.password.login", limit: .perMinute(10), request: request, context: context)
            return try await loginWeb(request, context: context)
        }
        router.post("/auth/password/setup") { request, context in
            try limiter.check(route: "auth.password.setup", limit: .perMinute(10), request: request, context: context)
            return try await setupJSON(try await request.decodeJSON(SetupRequest.self, context: context))
        }
        router.get("/auth/password/setup") { request, _ in
            guard let email = request.uri.queryParameters["email"].map(String.init),
                let token = request.uri.queryParameters["token"].map(String.init), !email.isEmpty, !token.isEmpty
            else { return LoginSession.redirect(to: "/login/password", settings: services.settings) }
            return Self.setupForm(email: email, token: token, error: nil).response()
        }
        router.post("/auth/password/setup/request") { request, context in
            try limiter.check(
                route: "auth.password.setup.request", limit: .perMinute(5), request: request, context: context)
            return try await requestSetup(request, context: context)
        }
        router.post("/auth/password/setup/confirm") { request, context in
            try limiter.check(
                route: "auth.password.setup.confirm", limit: .perMinute(10), request: request, context: context)
            return try await confirmSetup(request, context: context)
        }
        router.get("/auth/password/reset") { request, _ in
            guard let email = request.uri.queryParameters["email"].map(String.init),
                let token = request.uri.queryParameters["token"].map(String.init), !email.isEmpty, !token.isEmpty
            else { return LoginSession.redirect(to: "/login/password", settings: services.settings) }
            return Self.resetForm(email: email, token: token, error: nil).response()
        }
        router.post("/auth/password/reset") { request, context in
            try limiter.check(route: "auth.password.reset", limit: .perMinute(5), request: request, context: context)
            return try await requestReset(request, context: context)
        }
        router.post("/auth/password/reset/confirm") { request, context in
            try limiter.check(
                route: "auth.password.reset.confirm", limit: .perMinute(10), request: request, context: context)
            return try await confirmReset(request, context: context)
        }
    }

    struct SetupRequest: Decodable {
        let email: String
        let token: String
        let password: String
    }

    struct SetupResponse: Encodable {
        let accessToken: String
        let tokenType = "bearer"
        let message = "Password set successfully"

        enum CodingKeys: String, CodingKey {
            case message
            case accessToken = "access_token"
            case tokenType = "token_type"
        }
    }

    // MARK: Sign-in form

    private func loginWeb(_ request: Request, context: AgnesRequestContext) async throws -> Response {
        let settings = services.settings
        let fields: [String: String]
        do { fields = try await request.formFields(context: context) } catch {
            return LoginSession.redirect(to: "/login/password?error=invalid", settings: settings)
        }
        do {
            let user = try await services.checkPassword(
                email: fields["email"] ?? "", password: fields["password"] ?? "")
            await services.audit(
                "token_created", userID: user.id, params: ["email": user.email, "via": "web"], result: "success")
            return LoginSession.redirect(
                to: LoginSession.safeNext(fields["next"]), token: services.auth.issuer.session(for: user),
                settings: settings)
        } catch let error as APIError {
            let reason = error.detail == AuthError.deactivated.detail ? "deactivated" : "invalid"
            return LoginSession.redirect(to: "/login/password?error=\(reason)", settings: settings)
        } catch {
            context.logger.error("password sign-in failed", metadata: ["error": "\(error)"])
            return LoginSession.redirect(to: "/login/password?err=auth_internal", settings: settings)
        }
    }

    // MARK: Setup

    private func setupJSON(_ body: SetupRequest) async throws -> Response {
        guard body.password.count >= PasswordHasher.minimumLength else {
            throw APIError(.badRequest, Self.tooShort)
        }
        let users = DuckDBUserRepository(store: services.store)
        // Nothing is looked up by address before the token has been checked: a wrong token costs one
        // read that finds nothing, whether or not the account exists.
        let hash = AccountLinks.storedHash(.setup, token: body.token)
        guard try await users.holdsSetupToken(hash, email: body.email) else {
            throw APIError(.badRequest, "Invalid setup token")
        }
        guard let user = try await services.accountLinks.consume(.setup, email: body.email, token: body.token) else {
            // Held but not consumed: too old (or used by a concurrent request a moment ago).
            let isStillHeld = try await users.holdsSetupToken(hash, email: body.email)
            throw APIError(.badRequest, isStillHeld ? "Setup token has expired" : "Invalid setup token")
        }
        guard user.isActive else { throw APIError(.forbidden, AuthError.deactivated.detail) }
        let updated = try await users.setPasswordHash(
            id: user.id, hash: try await services.auth.hasher.hash(body.password))
        await services.audit("user.password_setup", userID: user.id, params: ["email": user.email], result: "success")
        return JSONBody.response(object: SetupResponse(accessToken: services.auth.issuer.session(for: updated)))
    }

    private func requestSetup(_ request: Request, context: AgnesRequestContext) async throws -> Response {
        let email = (try await request.formFields(context: context))["email"] ?? ""
        services.accountLinks.mailInBackground(.setup, email: email, audit: "user.password_setup_requested") {
            $0.passwordHash == nil && $0.isActive
        }
        return Self.checkYourEmail(
            "If this address belongs to an account without a password, we have sent it a link to set one."
        ).response()
    }

    private func confirmSetup(_ request: Request, context: AgnesRequestContext) async throws -> Response {
        let fields = try await request.formFields(context: context)
        let email = fields["email"] ?? ""
        let token = fields["token"] ?? ""
        let password = fields["password"] ?? ""
        func retry(_ message: String) -> Response {
            Self.setupForm(email: email, token: token, error: message).response(status: .badRequest)
        }
        if let problem = Self.passwordProblem(password, confirmation: fields["confirm_password"]) {
            return retry(problem)
        }
        let users = DuckDBUserRepository(store: services.store)
        guard let user = try await services.accountLinks.consume(.setup, email: email, token: token) else {
            return retry(Self.invalidLink)
        }
        guard user.isActive else { return retry(AuthError.deactivated.detail) }
        let updated = try await users.setPasswordHash(id: user.id, hash: try await services.auth.hasher.hash(password))
        if let name = fields["name"]?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            _ = try await users.update(id: user.id, name: name, email: nil)
        }
        await services.audit("user.password_setup", userID: user.id, params: ["email": user.email], result: "success")
        return LoginSession.redirect(
            to: LoginSession.defaultLanding, token: services.auth.issuer.session(for: updated),
            settings: services.settings
        )
    }

    // MARK: Reset

    private func requestReset(_ request: Request, context: AgnesRequestContext) async throws -> Response {
        let email = (try await request.formFields(context: context))["email"] ?? ""
        services.accountLinks.mailInBackground(.reset, email: email, audit: "user.password_reset_requested") {
            $0.isActive
        }
        return Self.checkYourEmail(
            "If this address belongs to an account, we have sent it a link to reset the password."
        )
        .response()
    }

    private func confirmReset(_ request: Request, context: AgnesRequestContext) async throws -> Response {
        let fields = try await request.formFields(context: context)
        let email = fields["email"] ?? ""
        let token = fields["token"] ?? ""
        let password = fields["password"] ?? ""
        func retry(_ message: String) -> Response {
            Self.resetForm(email: email, token: token, error: message).response(status: .badRequest)
        }
        if let problem = Self.passwordProblem(password, confirmation: fields["confirm_password"]) {
            return retry(problem)
        }
        guard let user = try await services.accountLinks.consume(.reset, email: email, token: token) else {
            return retry(Self.invalidLink)
        }
        guard user.isActive else { return retry(AuthError.deactivated.detail) }
        let updated = try await DuckDBUserRepository(store: services.store)
            .setPasswordHash(id: user.id, hash: try await services.auth.hasher.hash(password))
        await services.audit("user.password_reset", userID: user.id, params: ["email": user.email], result: "success")
        return LoginSession.redirect(
            to: "/login/password?msg=password_reset", token: services.auth.issuer.session(for: updated),
            settings: services.settings)
    }

    // MARK: Helpers

    static let tooShort = "Password must be at least \(PasswordHasher.minimumLength) characters"
    static let invalidLink = "This link is invalid or has expired. Ask for a new one."

    static func passwordProblem(_ password: String, confirmation: String?) -> String? {
        if password.count < PasswordHasher.minimumLength { return tooShort }
        if let confirmation, confirmation != password { return "The passwords do not match" }
        return nil
    }

    static func setupForm(email: String, token: String, error: String?) -> HTMLPage {
        HTMLPage(
            title: "Set your password",
            body: """
                \(HTMLPage.error(error))
                <p class="note">Account: \(HTMLPage.escape(email))</p>
                <form method="post" action="/auth/password/setup/confirm">
                \(HTMLPage.hidden("email", email))\(HTMLPage.hidden("token", token))
                <label for="name">Your name (optional)</label><input id="name" name="name" autocomplete="name">
                <label for="password">Password (at least \(PasswordHasher.minimumLength) characters)</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required minlength="\(PasswordHasher.minimumLength)">
                <label for="confirm">Repeat the password</label>
                <input id="confirm" name="confirm_password" type="password" autocomplete="new-password" required>
                <button type="submit">Set password</button>
                </form>
                """)
    }

    static func resetForm(email: String, token: String, error: String?) -> HTMLPage {
        HTMLPage(
            title: "Choose a new password",
            body: """
                \(HTMLPage.error(error))
                <p class="note">Account: \(HTMLPage.escape(email))</p>
                <form method="post" action="/auth/password/reset/confirm">
                \(HTMLPage.hidden("email", email))\(HTMLPage.hidden("token", token))
                <label for="password">New password (at least \(PasswordHasher.minimumLength) characters)</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required minlength="\(PasswordHasher.minimumLength)">
                <label for="confirm">Repeat the password</label>
                <input id="confirm" name="confirm_password" type="password" autocomplete="new-password" required>
                <button type="submit">Save password</button>
                </form>
                """)
    }

    static func checkYourEmail(_ message: String) -> HTMLPage {
        HTMLPage(
            title: "Check your email",
            body: "<p>\(HTMLPage.escape(message))</p><p><a href=\"/login\">Back to sign-in</a></p>")
    }
}
