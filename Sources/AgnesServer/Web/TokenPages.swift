import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `/tokens`: the caller's personal access tokens, a form that creates one (`POST /auth/tokens`; the
/// token is shown once, in place) and revocation (`DELETE /auth/tokens/{id}`). `/admin/tokens`: every
/// user's tokens with their owner, `?user=` (an id or an email) for one user's, revoked through
/// `DELETE /auth/admin/tokens/{id}`. Both newest first, paged.
struct TokenPages {
    let services: AgnesServices

    /// The lifetimes offered when creating a token, in days (nil: never expires); 90 is the API's default.
    static let lifetimes: [(days: Int?, text: String)] = [
        (7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year"), (nil, "Never"),
    ]

    func mine(for caller: AuthenticatedUser, request: Request, now: Date = Date()) async throws -> Response {
        let tokens = try await DuckDBAccessTokenRepository(store: services.store).list(userID: caller.user.id)
            .sorted { $0.createdAt > $1.createdAt }
        let paging = WebPaging(total: tokens.count, request: request)
        var values: [String: Any] = [
            "has_tokens": !tokens.isEmpty,
            "tokens": tokens[paging.range].map { token in
                Self.row(token, now: now).merging([
                    "token_revoke_api": "/auth/tokens/" + WebPage.pathSegment(token.id)
                ]) { $1 }
            },
            "lifetimes": Self.lifetimes.map { lifetime in
                [
                    "option_value": lifetime.days.map(String.init) ?? "null", "option_text": lifetime.text,
                    "option_selected": lifetime.days == 90,
                ] as [String: Any]
            },
            "may_create": {
                if case .personalAccessToken = caller.credential { return false }
                return true
            }(),
        ]
        values.merge(paging.values(path: "/tokens")) { $1 }
        return WebPage(template: "tokens", title: "Your tokens", path: "/profile", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }

    func all(for caller: AuthenticatedUser, request: Request, now: Date = Date()) async throws -> Response {
        async let listed = DuckDBAccessTokenRepository(store: services.store).listAll()
        async let users = DuckDBUserRepository(store: services.store).list()
        let usersByID = Dictionary(try await users.map { ($0.id, $0) }) { first, _ in first }
        let filter = (request.uri.queryParameters.get("user") ?? "").trimmingCharacters(in: .whitespaces)
        let owner = filter.isEmpty ? nil : usersByID[filter] ?? usersByID.values.first { $0.email == filter }
        let tokens = try await listed.filter { filter.isEmpty || $0.userID == owner?.id }
            .sorted { $0.createdAt > $1.createdAt }
        let paging = WebPaging(total: tokens.count, request: request)
        var values: [String: Any] = [
            "user_filter": filter, "has_filter": !filter.isEmpty, "filter_email": owner?.email ?? filter,
            "has_tokens": !tokens.isEmpty, "shown": DashboardPage.count(tokens.count),
            "tokens": tokens[paging.range].map { token in
                Self.row(token, now: now).merging([
                    "token_owner": usersByID[token.userID]?.email ?? token.userID,
                    "token_owner_href": "/admin/users/" + WebPage.pathSegment(token.userID),
                    "token_revoke_api": "/auth/admin/tokens/" + WebPage.pathSegment(token.id),
                ]) { $1 }
            },
        ]
        values.merge(paging.values(path: "/admin/tokens", query: ["user": filter])) { $1 }
        return WebPage(template: "admin_tokens", title: "Tokens", path: "/admin/tokens", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }

    /// A token's line: name, prefix, dates, and whether it still works.
    static func row(_ token: AccessToken, now: Date) -> [String: Any] {
        let isExpired = token.isExpired(at: now)
        return DashboardPage.tokenRow(token, now: now).merging([
            "token_status": token.isRevoked ? "revoked" : isExpired ? "expired" : "active",
            "token_status_class": token.isRevoked || isExpired ? "stale" : "ok",
            "token_live": token.isLive(at: now),
        ]) { $1 }
    }
}
