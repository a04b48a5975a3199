import AgnesAuth
import AgnesCore
import Foundation
import HTTPTypes
import Hummingbird

/// Google sign-in with OpenID Connect (REFERENCE §1.1, §7): `GET /auth/google/login` and
/// `GET /auth/google/callback`.
///
/// Decided where the original is silent:
/// - The attempt's state, nonce, PKCE verifier and sanitised `next` travel in a 10-minute
///   `agnes_oauth_state` cookie (HttpOnly, SameSite=Lax so it comes back on Google's top-level
///   redirect, path `/auth/google`, `Secure` with `DOMAIN`) holding an HS256 JWT signed with the
///   server's JWT secret, so any server process can finish a sign-in. The callback always clears it;
///   a missing, expired or forged cookie or a different `state` is `oauth_failed`. One attempt per
///   browser at a time: a second login started in another tab replaces the first one's cookie.
/// - The redirect URI is `<SERVER_URL>/auth/google/callback`, or the request's own scheme and host.
/// - A first sign-in creates the user without a password, named from the token's `name` (else the
///   email's local part). The prefix gate of group sync runs before that, so a refused person leaves
///   no account behind.
/// - Every outcome is audited: `token_created` (params `provider: google`) on success, `login_failed`
///   with the error code as `result` and the internal reason otherwise; `user.create` for new users.
/// - Unexpected failures after the provider answered (e.g. the store) also land on
///   `/login?error=oauth_failed`, logged with the reason, rather than a JSON 500 in the browser.
struct GoogleAuthRoutes {
    static let stateCookie = "agnes_oauth_state"
    static let cookiePath = "/auth/google"
    static let callbackPath = "/auth/google/callback"

    let services: AgnesServices
    /// The provider client; nil when Google sign-in is not configured.
    let client: OIDCClient?
    let groupSync: GoogleGroupSync

    init(services: AgnesServices) {
        self.services = services
        let environment = services.settings.environment
        client = OIDCConfiguration.google(environment: environment).map { OIDCClient(configuration: $0) }
        groupSync = GoogleGroupSync(environment: environment, store: services.store, logger: services.logger)
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/auth/google/login") { request, _ in
            login(request)
        }
        router.get("/auth/google/callback") { request, _ in
            await callback(request)
        }
    }

    /// Sends the browser to the provider and stashes the attempt in the state cookie.
    func login(_ request: Request) -> Response {
        guard let client else { return failureRedirect("google_not_configured") }
        let attempt = OIDCAuthorizationRequest()
        let next = LoginSession.safeNext(request.uri.queryParameters.get("next"))
        let stash = services.auth.issuer.stashToken(OIDCLoginStash(request: attempt, next: next))
        var response = LoginSession.redirect(
            to: client.authorizationURL(for: attempt, redirectURI: redirectURI(request)), settings: services.settings)
        response.headers[values: .setCookie].append(stateCookie(stash, maxAge: Int(OIDCLoginStash.lifetime)))
        return response
    }

    /// A 302 to the login page with an error code.
    func failureRedirect(_ code: String) -> Response {
        LoginSession.redirect(to: "/login?error=\(code)", settings: services.settings)
    }

    /// `<base>/auth/google/callback`: the base is `SERVER_URL` when set, else the request's scheme and host.
    func redirectURI(_ request: Request) -> String {
        if let configured = services.settings.serverURL {
            var base = configured.absoluteString
            while base.hasSuffix("/") { base.removeLast() }
            return base + Self.callbackPath
        }
        let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!] ?? "localhost:8000"
        return "\(request.head.scheme ?? "http")://\(host)\(Self.callbackPath)"
    }

    /// The `Set-Cookie` value of the state cookie (`maxAge` 0 removes it).
    func stateCookie(_ value: String, maxAge: Int) -> String {
        var parts = [
            "\(Self.stateCookie)=\(value)", "Path=\(Self.cookiePath)", "HttpOnly", "SameSite=Lax", "Max-Age=\(maxAge)",
        ]
        if let domain = services.settings.environment["DOMAIN"], !domain.trimmingCharacters(in: .whitespaces).isEmpty {
            parts.append("Secure")
        }
        return parts.joined(separator: "; ")
    }
}
