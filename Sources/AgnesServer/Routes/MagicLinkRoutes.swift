import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// Sign-in by e-mailed link (REFERENCE §1.1): `POST /auth/email/send-link`, `POST` and `GET
/// /auth/email/verify`. Links last one hour and work once.
///
/// Decided: the answer to `send-link` is the same, and as fast, for unknown addresses (mail goes out
/// in the background), except in `LOCAL_DEV_MODE`, where it also returns `dev_link` (and
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
        router.get("/auth/email/verify") { request, context in
            try limiter.check(route: "auth.email.verify", limit: .perMinute(10), request: request, context: context)
            let email = request.uri.queryParameters["email"].map(String.init) ?? ""
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            do {
                let user = try await verify(email: email, token: token)
                return LoginSession.redirect(
                    to: LoginSession.defaultLanding, token: services.auth.issuer.session(for: user),
                    settings: services.settings)
            } catch let error as APIError {
                let reason = error.detail == AuthError.deactivated.detail ? "deactivated" : "invalid_link"
                return LoginSession.redirect(to: "/login/email?error=\(reason)", settings: services.settings)
            }
        }
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
