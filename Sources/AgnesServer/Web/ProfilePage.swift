import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `/profile`: who the caller is, their groups with where each comes from, what those groups were
/// granted (as `GET /api/me/effective-access` answers), a link to their tokens, and "sign out
/// everywhere" (`POST /auth/logout/everywhere`, which ends every session of theirs).
struct ProfilePage {
    let services: AgnesServices

    func response(for caller: AuthenticatedUser, request: Request, now: Date = Date()) async throws -> Response {
        let user = caller.user
        async let loaded = MembershipIndex.load(services, userID: user.id)
        async let effective = AccessRoutes(services: services).effectiveAccess(of: user.id)
        async let tokens = DuckDBAccessTokenRepository(store: services.store).list(userID: user.id)
        let index = try await loaded
        let memberships = index.memberships(of: user.id)
        let liveTokens = try await tokens.count { $0.isLive(at: now) }
        var values: [String: Any] = [
            "me_email": user.email, "me_name": user.name.flatMap { $0.isEmpty ? nil : $0 } ?? "–",
            "me_is_admin": caller.isAdmin,
            "me_created": user.createdAt.map(DashboardPage.day) ?? "–", "me_sso": index.isSSOManaged(user.id),
            "me_token_count": DashboardPage.count(liveTokens),
            "has_memberships": !memberships.isEmpty,
            "memberships": memberships.map { membership, group -> [String: Any] in
                PeoplePages.origin(index.mapping.origin(of: group)).merging([
                    "member_group": group.name, "member_source": PeoplePages.source(membership.source),
                ]) { $1 }
            },
        ]
        values.merge(
            PeoplePages.accessValues(try await effective, request: request, path: "/profile", linkGroups: false)
        ) { $1 }
        return WebPage(template: "profile", title: "Profile", path: "/profile", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }
}
