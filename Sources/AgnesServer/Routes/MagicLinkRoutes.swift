import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// Sign-in by e-mailed link (REFERENCE §1.1): `POST /auth/email/send-link`, `POST` and `GET
/// /auth/email/verify`, `POST /auth/email/verify/confirm`. Links last one hour and work once.
///
/// Decided: `GET /auth/email/verify` (the mailed link) shows a one-button page whose form post signs
/// in, instead of signing in on the GET as the original did (login CSRF). The answer to `send-link`
/// is the same, and as fast, for unknown addresses (all account work follows the answer), except in
/// `LOCAL_DEV_MODE`, where it also returns `dev_link` (and
/// `send_error` when the mail could not be sent) so a developer can sign in without a mail server.
struct MagicLinkRoutes {
    let services: AgnesServices

    static let sentMessage = "If this email is registered, you will receive a login link."
    static let invalidLink = "Invalid or expired link"

    struct SendLinkRequest: Decodable {
        let email: String
    }

    struct SendLinkResponse: Encodable {
        let message: String
        let devLink: String?
        let sendError: String?

        enum CodingKeys: String, CodingKey {
            case message
            case devLink = "dev_link"
            case sendError = "send_error"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encodeIfPresent(devLink, forKey: .devLink)
            try container.encodeIfPresent(sendError, forKey: .sendError)
        }
    }

    struct VerifyRequest: Decodable {
        let email: String
        let token: String
    }

    func register(on router: Router<AgnesRequestContext>) {
        let limiter = services.rateLimiter
        router.post("/auth/email/send-link") { request, context in
            try limiter.check(route: "auth.email.send-link", limit: .perMinute(5), request: request, context: context)
            let body = try await request.decodeJSON(SendLinkRequest.self, context: context)
            return try await sendLink(body.email, request: request)
        }
        router.post("/auth/email/verify") { request, context in
            try limiter.check(route: "auth.email.verify", limit: .perMinute(10), request: request, context: context)
            let body = try await request.decodeJSON(VerifyRequest.self, context: context)
            let user = try await verify(email: body.email, token: body.token)
            let isAdmin = try await DuckDBGroupRepository(store: services.store).isAdmin(userID: user.id)
            return JSONBody.response(
                object: AuthRoutes.TokenResponse(
                    accessToken: services.auth.issuer.session(for: user), userID: user.id, email: user.email,
                    role: isAdmin ? "admin" : "user"))
        }
        // The mailed link only shows a button: the sign-in itself is a form post, which the CSRF
        // check guards, so a foreign page cannot sign a victim's browser into the attacker's account
        // by sending it to the attacker's own link (and a mail scanner opening the link burns nothing).
        router.get("/auth/email/verify") { request, _ in
            let email = request.uri.queryParameters["email"].map(String.init) ?? ""
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            guard !email.isEmpty, !token.isEmpty else {
                return LoginSession.redirect(to: "/login/email?error=invalid_link", settings: services.settings)
            }
            return Self.confirmPage(email: email, token: token).response()
        }
        router.post("/auth/email/verify/confirm") { request, context in
            try limiter.check(route: "auth.email.verify", limit: .perMinute(10), request: request, context: context)
            let fields = try await request.formFields(context: context)
            do {
                let user = try await verify(email: fields["email"] ?? "", token: fields["token"] ?? "")
                return LoginSession.redirect(
                    to: LoginSession.defaultLanding, token: services.auth.issuer.session(for: user),
                    settings: services.settings)
            } catch let error as APIError {
                let reason = error.detail == AuthError.deactivated.detail ? "deactivated" : "invalid_link"
                return LoginSession.redirect(to: "/login/email?error=\(reason)", settings: services.settings)
            }
        }
    }

    static func confirmPage(email: String, token: String) -> HTMLPage {
        HTMLPage(
            title: "Sign in to Agnes",
            body: """
                <p class="note">Account: \(HTMLPage.escape(email))</p>
                <form method="post" action="/auth/email/verify/confirm">
                \(HTMLPage.hidden("email", email))\(HTMLPage.hidden("token", token))
                <button type="submit">Sign in</button>
                </form>
                """)
    }

    private func sendLink(_ email: String, request: Request) async throws -> Response {
        guard services.settings.isLocalDevMode else {
            services.accountLinks.mailInBackground(.magic, email: email, audit: "magic_link.sent") { $0.isActive }
            return JSONBody.response(object: SendLinkResponse(message: Self.sentMessage, devLink: nil, sendError: nil))
        }
        var devLink: String?
        var sendError: String?
        if let user = try await DuckDBUserRepository(store: services.store).find(email: email), user.isActive {
            let link = try await services.accountLinks.issue(.magic, for: user, request: request)
            await services.audit("magic_link.sent", userID: user.id, params: ["email": user.email])
            devLink = link.url
            if !link.emailSent {
                sendError = services.mailer == nil ? "no mail transport is configured" : "the mail could not be sent"
            }
        }
        return JSONBody.response(
            object: SendLinkResponse(message: Self.sentMessage, devLink: devLink, sendError: sendError))
    }

    /// The user a valid link signs in; 401 `Invalid or expired link` or `Account deactivated`.
    private func verify(email: String, token: String) async throws -> User {
        guard !email.isEmpty, !token.isEmpty,
            let user = try await services.accountLinks.consume(.magic, email: email, token: token)
        else {
            await services.audit(
                "login_failed", userID: nil, params: ["email": email, "via": "magic_link"], result: "invalid_link")
            throw APIError(.unauthorized, Self.invalidLink)
        }
        guard user.isActive else {
            await services.audit(
                "login_failed", userID: user.id, params: ["email": user.email, "via": "magic_link"],
                result: "deactivated")
            throw APIError(.unauthorized, AuthError.deactivated.detail)
        }
        await services.audit(
            "token_created", userID: user.id, params: ["email": user.email, "via": "magic_link"], result: "success")
        return user
    }
}
