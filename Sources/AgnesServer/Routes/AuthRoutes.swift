import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird
import Logging

/// Password sign-in and bootstrap (REFERENCE §1.1): `POST /auth/token`, `POST /auth/password/login`,
/// `POST /auth/bootstrap`.
///
/// Decided where the original leaks: an unknown email, a wrong password and an account without a
/// password all answer 401 `Invalid email or password` after the same bcrypt work, so neither the
/// text nor the timing tells whether an account exists; `Account deactivated` only follows a
/// correct password.
struct AuthRoutes {
    let services: AgnesServices

    struct Credentials: Decodable {
        let email: String
        let password: String?
    }

    struct BootstrapRequest: Decodable {
        let email: String
        let name: String?
        let password: String?
    }

    struct TokenResponse: Encodable {
        let accessToken: String
        let tokenType = "bearer"
        let userID: String
        let email: String
        let role: String

        enum CodingKeys: String, CodingKey {
            case email, role
            case accessToken = "access_token"
            case tokenType = "token_type"
            case userID = "user_id"
        }
    }

    /// `GET /auth/me` (new; the original had none and the CLI probed `/api/catalog/tables`): who the
    /// credential belongs to and what kind of credential it is.
    struct Me: Encodable {
        let id: String
        let email: String
        let name: String?
        let isAdmin: Bool
        let credential: String

        init(_ caller: AuthenticatedUser) {
            id = caller.user.id
            email = caller.user.email
            name = caller.user.name
            isAdmin = caller.isAdmin
            credential =
                switch caller.credential {
                case .session: "session"
                case .personalAccessToken: "pat"
                case .scheduler: "scheduler"
                case .localDevelopment: "local_dev"
                }
        }

        enum CodingKeys: String, CodingKey {
            case id, email, name, credential
            case isAdmin = "is_admin"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        let limiter = services.rateLimiter
        router.post("/auth/token") { request, context in
            try limiter.check(route: "auth.token", limit: .perMinute(10), request: request, context: context)
            let credentials = try await request.decodeJSON(Credentials.self, context: context)
            return try await signIn(credentials, context: context)
        }
        router.post("/auth/password/login") { request, context in
            try limiter.check(route: "auth.password.login", limit: .perMinute(10), request: request, context: context)
            let credentials = try await request.decodeJSON(Credentials.self, context: context)
            return try await signIn(credentials, context: context)
        }
        router.get("/auth/me") { request, context in
            let caller = try await services.caller(request, context)
            return JSONBody.response(object: Me(caller))
        }
        router.post("/auth/bootstrap") { request, context in
            try limiter.check(route: "auth.bootstrap", limit: .perMinute(3), request: request, context: context)
            let body = try await request.decodeJSON(BootstrapRequest.self, context: context)
            return try await bootstrap(body)
        }
        router.post("/auth/bootstrap/web") { request, context in
            try limiter.check(route: "auth.bootstrap", limit: .perMinute(3), request: request, context: context)
            return try await bootstrapWeb(request, context: context)
        }
    }

    /// The first-time setup form (`/first-time-setup`): the same bootstrap, then the browser is signed in
    /// and sent to the dashboard; a refusal goes back to the form with its reason.
    private func bootstrapWeb(_ request: Request, context: AgnesRequestContext) async throws -> Response {
        let settings = services.settings
        func back(_ code: String) -> Response {
            LoginSession.redirect(to: "/first-time-setup?error=\(code)", settings: settings)
        }
        guard let fields = try? await request.formFields(context: context) else { return back("invalid_form") }
        guard fields["password"] == fields["confirm_password"] else { return back("mismatch") }
        do {
            let user = try await bootstrapUser(
                BootstrapRequest(email: fields["email"] ?? "", name: fields["name"], password: fields["password"]))
            return LoginSession.redirect(
                to: LoginSession.defaultLanding, token: services.auth.issuer.session(for: user), settings: settings)
        } catch let error as APIError {
            switch error.status {
            case .forbidden: return LoginSession.redirect(to: "/login", settings: settings)
            case .unprocessableContent: return back("invalid_email")
            case .badRequest: return back("too_short")
            default: throw error
            }
        }
    }

    private func signIn(_ credentials: Credentials, context: AgnesRequestContext) async throws -> Response {
        let user = try await services.checkPassword(email: credentials.email, password: credentials.password ?? "")
        let isAdmin = try await DuckDBGroupRepository(store: services.store).isAdmin(userID: user.id)
        await audit("token_created", user.id, ["email": user.email], result: "success")
        return JSONBody.response(
            object: TokenResponse(
                accessToken: services.auth.issuer.session(for: user), userID: user.id, email: user.email,
                role: isAdmin ? "admin" : "user"))
    }

    private func bootstrap(_ body: BootstrapRequest) async throws -> Response {
        let user = try await bootstrapUser(body)
        return JSONBody.response(
            object: TokenResponse(
                accessToken: services.auth.issuer.session(for: user), userID: user.id, email: user.email, role: "admin")
        )
    }

    /// The first admin: 422 for a bad email, 400 for a short password, 403 once a user has a password.
    private func bootstrapUser(_ body: BootstrapRequest) async throws -> User {
        let email = body.email.trimmingCharacters(in: .whitespaces)
        guard email.contains("@"), email.count <= 320 else {
            throw APIError(.unprocessableContent, "a valid email is required")
        }
        let password = body.password ?? ""
        guard password.count >= PasswordHasher.minimumLength else {
            throw APIError(.badRequest, "Password must be at least \(PasswordHasher.minimumLength) characters")
        }
        let store = services.store
        let hasher = services.auth.hasher
        return try await services.auth.bootstrapGate.run { () async throws -> User in
            let users = DuckDBUserRepository(store: store)
            guard try await users.noneHasPassword() else {
                throw APIError(
                    .forbidden, "Bootstrap disabled — a user with a password already exists. Use /auth/password/login.")
            }
            let hash = try await hasher.hash(password)
            let user: User
            if let existing = try await users.find(email: email) {
                user = try await users.setPasswordHash(id: existing.id, hash: hash)
                await audit("bootstrap_activated_seed", user.id, ["email": email], result: "success")
            } else {
                let name = body.name.flatMap { $0.isEmpty ? nil : $0 } ?? String(email.prefix { $0 != "@" })
                user = try await users.create(
                    User(id: UUID().uuidString.lowercased(), email: email, name: name, passwordHash: hash))
                await audit("bootstrap_completed", user.id, ["email": email], result: "success")
            }
            let groups = DuckDBGroupRepository(store: store)
            if let admin = try await groups.find(name: SystemGroup.admin) {
                try await groups.addMember(
                    userID: user.id, groupID: admin.id, source: .systemSeed, addedBy: "auth.bootstrap")
            }
            return user
        }
    }

    private func audit(_ action: String, _ userID: String?, _ params: [String: String], result: String) async {
        await services.audit(action, userID: userID, params: params, result: result)
    }
}

extension AgnesServices {
    /// Checks an email and password: the user, or 401 `Password required` / `Invalid email or
    /// password` (unknown email, wrong password and password-less accounts alike, after the same
    /// bcrypt work) / `Account deactivated` (only after a correct password). Failures are audited.
    func checkPassword(email: String, password: String) async throws -> User {
        guard !password.isEmpty else { throw APIError(.unauthorized, "Password required") }
        let user = try await DuckDBUserRepository(store: store).find(email: email)
        let isValid = try await auth.hasher.verify(password, hash: user?.passwordHash)
        guard let user, isValid else {
            await audit("login_failed", userID: user?.id, params: ["email": email], result: "invalid_password")
            throw APIError(.unauthorized, AuthError.invalidCredentials.detail)
        }
        guard user.isActive else {
            await audit("login_failed", userID: user.id, params: ["email": user.email], result: "deactivated")
            throw APIError(.unauthorized, AuthError.deactivated.detail)
        }
        if let stored = user.passwordHash, !PasswordHasher.isCurrent(stored) {
            await upgradePasswordHash(of: user, from: stored, password: password)
        }
        return user
    }

    /// Rehashes a password verified against a hash of the original's (Argon2) to bcrypt. A failure is
    /// logged and the sign-in goes on: the old hash still verifies next time.
    private func upgradePasswordHash(of user: User, from stored: String, password: String) async {
        do {
            let fresh = try await auth.hasher.hash(password)
            if try await DuckDBUserRepository(store: store).upgradePasswordHash(id: user.id, from: stored, to: fresh) {
                await audit("user.password_rehashed", userID: user.id, params: ["from": "argon2"], result: "success")
            }
        } catch {
            logger.warning("could not rehash the migrated password of \(user.email): \(error)")
        }
    }

    /// Writes an audit row (failures are logged, never thrown).
    func audit(
        _ action: String, userID: String?, resource: String? = nil, params: [String: String] = [:],
        result: String? = nil
    ) async {
        var params = params
        if let result { params["result"] = result }
        await auth.authenticator.record(action, userID: userID, resource: resource, params: params)
    }
}
