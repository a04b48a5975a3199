import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Why a Google sign-in ended on the login page: `code` is the `/login?error=` value, `reason` is
/// for the log and the audit trail only.
struct GoogleSignInFailure: Error {
    let code: String
    let reason: String
    var email: String?
    var userID: String?

    static func oauthFailed(_ reason: String) -> GoogleSignInFailure {
        GoogleSignInFailure(code: "oauth_failed", reason: reason)
    }
}

extension GoogleAuthRoutes {
    /// Finishes a sign-in: always a 302 (to `next` with the login cookie, or to `/login?error=…`), and
    /// always clears the state cookie.
    func callback(_ request: Request) async -> Response {
        guard let client else { return failureRedirect("google_not_configured") }
        var response: Response
        do {
            response = try await signIn(request, client: client)
        } catch {
            let failure =
                error as? GoogleSignInFailure
                ?? .oauthFailed((error as? OIDCError)?.description ?? String(describing: error))
            services.logger.warning(
                "Google sign-in failed",
                metadata: [
                    "error": "\(failure.code)", "reason": "\(failure.reason)", "email": "\(failure.email ?? "-")",
                ])
            var params = ["provider": "google", "reason": failure.reason, "result": failure.code]
            params["email"] = failure.email
            await services.auth.authenticator.record(
                "login_failed", userID: failure.userID, resource: nil, params: params)
            response = failureRedirect(failure.code)
        }
        response.headers[values: .setCookie].append(stateCookie("", maxAge: 0))
        return response
    }

    private func signIn(_ request: Request, client: OIDCClient) async throws -> Response {
        let query = request.uri.queryParameters
        guard let cookie = request.cookies[Self.stateCookie]?.value, !cookie.isEmpty else {
            throw GoogleSignInFailure.oauthFailed("no sign-in state cookie (expired, or the login began elsewhere)")
        }
        let stash: OIDCLoginStash
        do {
            stash = try services.auth.issuer.stash(from: cookie)
        } catch {
            throw GoogleSignInFailure.oauthFailed(String(describing: error))
        }
        guard let state = query.get("state"), stash.matches(state: state) else {
            throw GoogleSignInFailure.oauthFailed("the state parameter does not match this browser's sign-in")
        }
        if let providerError = query.get("error") {
            throw GoogleSignInFailure.oauthFailed("the provider answered \(providerError)")
        }
        guard let code = query.get("code"), !code.isEmpty else {
            throw GoogleSignInFailure.oauthFailed("the callback has no authorization code")
        }
        let claims = try await client.signIn(code: code, redirectURI: redirectURI(request), attempt: stash.request)
        let user = try await admit(claims)
        await services.auth.authenticator.record(
            "token_created", userID: user.id, resource: nil,
            params: ["email": user.email, "provider": "google", "result": "success"])
        return LoginSession.redirect(
            to: stash.next, token: services.auth.issuer.session(for: user), settings: services.settings)
    }

    /// The user the verified claims sign in: domain and status checks, group sync, creation on first
    /// sign-in.
    private func admit(_ claims: IDTokenClaims) async throws -> User {
        guard let email = claims.email?.trimmingCharacters(in: .whitespacesAndNewlines), !email.isEmpty else {
            throw GoogleSignInFailure(code: "no_email", reason: "the id token carries no email (sub \(claims.subject))")
        }
        guard isAllowedDomain(email) else {
            throw GoogleSignInFailure(
                code: "domain_not_allowed", reason: "\(email) is outside auth.allowed_domain", email: email)
        }
        let users = DuckDBUserRepository(store: services.store)
        let existing = try await users.find(email: email)
        if let existing, !existing.isActive {
            throw GoogleSignInFailure(
                code: "deactivated", reason: "the account is deactivated", email: email, userID: existing.id)
        }
        let decision = await groupSync.decide(for: email)
        if decision == .deny {
            throw GoogleSignInFailure(
                code: "not_in_allowed_group", reason: "no Google group matches AGNES_GOOGLE_GROUP_PREFIX",
                email: email, userID: existing?.id)
        }
        let user: User
        if let existing {
            user = existing
        } else {
            user = try await createUser(email: email, name: claims.name, users: users)
        }
        do {
            let names = try await groupSync.apply(decision, userID: user.id)
            if case .replace = decision {
                services.logger.info(
                    "Google groups synced", metadata: ["user_id": "\(user.id)", "groups": "\(names.sorted())"])
            }
        } catch {
            // Like a failing group source, a failed write keeps the previous memberships and lets the user in.
            services.logger.error(
                "Google group sync could not be stored; keeping the previous memberships",
                metadata: ["user_id": "\(user.id)", "error": "\(error)"])
        }
        return user
    }

    private func createUser(email: String, name: String?, users: DuckDBUserRepository) async throws -> User {
        let name = name.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        do {
            let user = try await users.create(
                User(id: UUID().uuidString.lowercased(), email: email, name: name ?? String(email.prefix { $0 != "@" }))
            )
            await services.auth.authenticator.record(
                "user.create", userID: user.id, resource: "user:\(user.id)",
                params: ["email": email, "provider": "google"])
            return user
        } catch let error as StoreError where error.code == .conflict {
            // A concurrent first sign-in created it a moment ago.
            guard let user = try await users.find(email: email) else { throw error }
            return user
        }
    }

    /// True when `auth.allowed_domain` (a comma-separated list, or a YAML list) is empty or contains
    /// the part of `email` after the last `@`, compared case-insensitively.
    func isAllowedDomain(_ email: String) -> Bool {
        let configured: [String]
        switch services.settings.instance["auth.allowed_domain"] {
        case .string(let list): configured = list.split(separator: ",").map(String.init)
        case .array(let items): configured = items.compactMap(\.stringValue)
        default: configured = []
        }
        let allowed = Set(
            configured.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        guard !allowed.isEmpty else { return true }
        guard let at = email.lastIndex(of: "@") else { return false }
        return allowed.contains(email[email.index(after: at)...].lowercased())
    }
}
