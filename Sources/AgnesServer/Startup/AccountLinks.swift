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

    /// Why the server refuses to start with mail configured and no `SERVER_URL`.
    static let serverURLRequired =
        "mail delivery is configured (SMTP_HOST or SENDGRID_API_KEY) but SERVER_URL is not set: mailed sign-in, "
        + "invite and password links must point at the server's public address, never at the Host header of "
        + "whoever asked for them; set SERVER_URL (e.g. SERVER_URL=https://agnes.example.com)"

    /// Makes a token for `user`, stores its hash, and mails the link when a mailer is configured.
    ///
    /// A mailed link is built from `SERVER_URL` only (start-up refuses mail without it): a link built
    /// from the request's `Host` header would let anyone who asks for a reset mail the victim a link to
    /// their own host, token included. The returned URL, shown to an admin or in local-dev mode, falls
    /// back to the request's host when `SERVER_URL` is unset (the requester sees their own host).
    func issue(_ kind: Kind, for user: User, request: Request) async throws -> Link {
        try await issue(kind, for: user, shownBase: baseURL(request: request))
    }

    /// ``issue(_:for:request:)`` with the base of the shown URL given.
    func issue(_ kind: Kind, for user: User, shownBase: String) async throws -> Link {
        let token = OneTimeToken()
        let hash = Self.storedHash(kind, token: token.value)
        let users = DuckDBUserRepository(store: services.store)
        switch kind {
        case .setup: try await users.setSetupToken(id: user.id, tokenHash: hash, at: Date())
        case .reset, .magic: try await users.setResetToken(id: user.id, tokenHash: hash, at: Date())
        }
        let shown = link(kind, email: user.email, token: token.value, base: shownBase)
        guard let mailer = services.mailer, let publicBase = configuredBaseURL else {
            return Link(url: shown, emailSent: false)
        }
        let mailed = link(kind, email: user.email, token: token.value, base: publicBase)
        let sent = await mailer.send(
            to: user.email, subject: kind.subject, text: kind.body(mailed), logger: services.logger)
        return Link(url: mailed, emailSent: sent)
    }

    /// The anonymous "mail me a link" routes: looks the address up and, when `eligible` says the
    /// account may have this kind of link, issues and mails it and writes the audit row, all after the
    /// answer. Whether the address has an account, and what the store and the mail server cost for
    /// it, then never shows in the answer or its timing.
    func mailInBackground(
        _ kind: Kind, email: String, audit action: String, eligible: @escaping @Sendable (User) -> Bool
    ) {
        let services = self.services
        services.background.run("\(kind) link", logger: services.logger) {
            guard let user = try await DuckDBUserRepository(store: services.store).find(email: email), eligible(user)
            else { return }
            _ = try await services.accountLinks.issue(kind, for: user, shownBase: "")
            await services.audit(action, userID: user.id, params: ["email": user.email])
        }
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

    /// `<base><path>?email=…&token=…`.
    func link(_ kind: Kind, email: String, token: String, base: String) -> String {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "email", value: email), URLQueryItem(name: "token", value: token)]
        // `+` is legal in a query but read as a space by form decoders; encode it.
        let query = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return "\(base)\(kind.path)?\(query)"
    }

    /// `SERVER_URL` without trailing slashes; nil when unset.
    var configuredBaseURL: String? {
        guard let configured = services.settings.serverURL else { return nil }
        var text = configured.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// `SERVER_URL`, else the request's own scheme and host: only for links shown to the requester.
    func baseURL(request: Request) -> String {
        if let configuredBaseURL { return configuredBaseURL }
        let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!] ?? "localhost:8000"
        let scheme = request.head.scheme ?? "http"
        return "\(scheme)://\(host)"
    }
}

extension AgnesServices {
    var accountLinks: AccountLinks { AccountLinks(services: self) }
}
