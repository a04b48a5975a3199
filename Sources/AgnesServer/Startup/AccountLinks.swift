import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird

/// Issues the e-mailed links of the account flows: invite/setup (7 days), password reset (24 h) and
/// magic sign-in (1 h). Each call makes a new single-use token, stores only its hash, and mails the
/// link when a mailer is configured.
///
/// ```swift
/// let link = try await services.accountLinks.issue(.setup, for: user, request: request)
/// // link.url, link.emailSent
/// ```
struct AccountLinks {
    /// The kinds of link.
    enum Kind {
        case setup, reset, magic

        var path: String {
            switch self {
            case .setup: "/auth/password/setup"
            case .reset: "/auth/password/reset"
            case .magic: "/auth/email/verify"
            }
        }

        var subject: String {
            switch self {
            case .setup: "Set up your Agnes account"
            case .reset: "Reset your Agnes password"
            case .magic: "Your Agnes sign-in link"
            }
        }

        func body(_ url: String) -> String {
            switch self {
            case .setup:
                "You have been invited to Agnes. Choose a password here (valid for 7 days):\n\n\(url)\n"
            case .reset:
                "Someone asked to reset your Agnes password. If it was you, open this link within 24 hours:\n\n\(url)\n\nIf not, ignore this message."
            case .magic:
                "Open this link within an hour to sign in to Agnes:\n\n\(url)\n\nIf you did not ask for it, ignore this message."
            }
        }
    }

    /// An issued link.
    struct Link {
        let url: String
        /// True when the transport accepted the message (false when not configured, failed, or sent
        /// in the background).
        let emailSent: Bool
    }

    /// The stored hash of a presented token. Magic links share the reset columns with password
    /// resets (as in the original), so their hashes carry a prefix: a reset token can never sign in
    /// as a magic link, nor a magic link reset a password.
    static func storedHash(_ kind: Kind, token: String) -> String {
        kind == .magic ? "magic:" + OneTimeToken.hash(token) : OneTimeToken.hash(token)
    }

    let services: AgnesServices

    /// Makes a token for `user`, stores its hash, and mails the link (if a mailer is configured).
    /// With `inBackground` the answer does not wait for the mail server, so the response time of an
    /// anonymous request does not tell whether the address belongs to an account.
    func issue(_ kind: Kind, for user: User, request: Request, inBackground: Bool = false) async throws -> Link {
        let token = OneTimeToken()
        let hash = Self.storedHash(kind, token: token.value)
        let users = DuckDBUserRepository(store: services.store)
        switch kind {
        case .setup: try await users.setSetupToken(id: user.id, tokenHash: hash, at: Date())
        case .reset, .magic: try await users.setResetToken(id: user.id, tokenHash: hash, at: Date())
        }
        let url = link(kind, email: user.email, token: token.value, request: request)
        guard let mailer = services.mailer else { return Link(url: url, emailSent: false) }
        let logger = services.logger
        if inBackground {
            Task { await mailer.send(to: user.email, subject: kind.subject, text: kind.body(url), logger: logger) }
            return Link(url: url, emailSent: false)
        }
        let sent = await mailer.send(to: user.email, subject: kind.subject, text: kind.body(url), logger: logger)
        return Link(url: url, emailSent: sent)
    }

    /// Consumes a presented token by compare-and-swap; nil when it is wrong, used or older than the
    /// kind's lifetime.
    func consume(_ kind: Kind, email: String, token: String) async throws -> User? {
        let users = DuckDBUserRepository(store: services.store)
        let hash = Self.storedHash(kind, token: token)
        switch kind {
        case .setup:
            let notBefore = Date().addingTimeInterval(-OneTimeToken.Lifetime.setup)
            return try await users.consumeSetupToken(tokenHash: hash, email: email, notBefore: notBefore)
        case .reset:
            let notBefore = Date().addingTimeInterval(-OneTimeToken.Lifetime.reset)
            return try await users.consumeResetToken(tokenHash: hash, email: email, notBefore: notBefore)
        case .magic:
            let notBefore = Date().addingTimeInterval(-OneTimeToken.Lifetime.magicLink)
            return try await users.consumeResetToken(tokenHash: hash, email: email, notBefore: notBefore)
        }
    }

    /// `<base><path>?email=…&token=…`; the base is `SERVER_URL` when set, else the request's own
    /// scheme and host. (The original fell back to `http://localhost:8000` for magic links, which
    /// mailed unusable links from any other host; every kind uses the request's host here.)
    func link(_ kind: Kind, email: String, token: String, request: Request) -> String {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "email", value: email), URLQueryItem(name: "token", value: token)]
        // `+` is legal in a query but read as a space by form decoders; encode it.
        let query = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return "\(baseURL(kind, request: request))\(kind.path)?\(query)"
    }

    func baseURL(_ kind: Kind, request: Request) -> String {
        if let configured = services.settings.serverURL {
            var text = configured.absoluteString
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
        let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!] ?? "localhost:8000"
        let scheme = request.head.scheme ?? "http"
        return "\(scheme)://\(host)"
    }
}

extension AgnesServices {
    var accountLinks: AccountLinks { AccountLinks(services: self) }
}
