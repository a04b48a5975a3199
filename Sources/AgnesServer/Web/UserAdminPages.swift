import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `/admin/users`: every account with its groups as chips, found by `?q=` (email or name), paged, and
/// a form that creates one (`POST /api/users`, optionally mailing an invite). `/admin/users/{id}`: one
/// account: rename, activate or deactivate, a reset link or a new password, delete
/// (`/api/users/{id}…`); its groups, joined and left through `/api/admin/users/{id}/memberships`; what
/// its groups were granted; a link to its tokens.
struct UserAdminPages {
    let services: AgnesServices

    func list(for caller: AuthenticatedUser, request: Request) async throws -> Response {
        async let listed = DuckDBUserRepository(store: services.store).list()
        async let loaded = MembershipIndex.load(services)
        let index = try await loaded
        let query = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
        let needle = query.lowercased()
        let users = try await listed.filter { user in
            needle.isEmpty || user.email.lowercased().contains(needle)
                || user.name?.lowercased().contains(needle) == true
        }.sorted { $0.email.lowercased() < $1.email.lowercased() }
        let paging = WebPaging(total: users.count, request: request)
        let rows = users[paging.range].map { user -> [String: Any] in
            [
                "user_email": user.email, "user_name": user.name ?? "", "user_active": user.isActive,
                "user_href": "/admin/users/" + WebPage.pathSegment(user.id),
                "user_is_admin": index.isAdmin(user.id),
                "user_groups": index.memberships(of: user.id).map { _, group in
                    PeoplePages.origin(index.mapping.origin(of: group)).merging([
                        "chip_name": group.name, "chip_href": "/admin/groups/" + WebPage.pathSegment(group.id),
                    ]) { $1 }
                },
            ]
        }
        var values: [String: Any] = [
            "query": query, "has_query": !query.isEmpty, "shown": DashboardPage.count(users.count),
            "has_users": !rows.isEmpty, "users": rows,
        ]
        values.merge(paging.values(path: "/admin/users", query: ["q": query])) { $1 }
        return WebPage(template: "admin_users", title: "Users", path: "/admin/users", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }

    func user(_ id: String, for caller: AuthenticatedUser, request: Request) async throws -> Response {
        guard let user = try await DuckDBUserRepository(store: services.store).find(id: id) else {
            return WebPage.notFound("There is no user \(id).", caller: caller, services: services)
        }
        let routes = AccessRoutes(services: services)
        async let loaded = MembershipIndex.load(services, userID: user.id)
        async let effective = routes.effectiveAccess(of: user.id)
        async let tokens = DuckDBAccessTokenRepository(store: services.store).list(userID: user.id)
        let index = try await loaded
        let memberships = index.memberships(of: user.id)
        let joined = Set(memberships.map(\.group.id))
        let segment = WebPage.pathSegment(user.id)
        let isSelf = user.id == caller.user.id
        let isSSOManaged = index.isSSOManaged(user.id)
        let now = Date()
        let liveTokens = try await tokens.count { $0.isLive(at: now) }
        var values: [String: Any] = [
            "user_email": user.email, "user_name": user.name ?? "", "user_active": user.isActive,
            "user_name_shown": user.name.flatMap { $0.isEmpty ? nil : $0 } ?? "–",
            "user_is_admin": index.isAdmin(user.id), "user_is_self": isSelf, "user_sso": isSSOManaged,
            "user_created": user.createdAt.map(DashboardPage.day) ?? "–",
            "user_deactivated": user.deactivatedAt.map(DashboardPage.day) ?? "",
            "user_has_password": user.passwordHash != nil,
            "user_api": "/api/users/" + segment, "memberships_api": "/api/admin/users/\(segment)/memberships",
            "user_tokens_href": "/admin/tokens?user=" + segment,
            "user_token_count": DashboardPage.count(liveTokens),
            "may_deactivate": user.isActive && !isSelf, "may_delete": !isSelf && !isSSOManaged,
            "may_set_password": !isSSOManaged,
            "has_memberships": !memberships.isEmpty,
            "memberships": memberships.map { membership, group -> [String: Any] in
                let managed = index.mapping.isGoogleManaged(group)
                return PeoplePages.origin(index.mapping.origin(of: group)).merging([
                    "member_group": group.name, "member_group_id": group.id,
                    "member_href": "/admin/groups/" + WebPage.pathSegment(group.id),
                    "member_source": PeoplePages.source(membership.source),
                    "member_added": membership.addedAt.map(DashboardPage.day) ?? "–",
                    "member_removable": membership.source == .admin && !managed,
                    "member_remove_api":
                        "/api/admin/users/\(segment)/memberships/" + WebPage.pathSegment(group.id),
                ]) { $1 }
            },
            "join_options": index.groupsByID.values
                .filter { !joined.contains($0.id) && !index.mapping.isGoogleManaged($0) }
                .sorted { $0.name.lowercased() < $1.name.lowercased() }
                .map { ["option_value": $0.id, "option_text": $0.name] },
        ]
        values["has_join_options"] = !((values["join_options"] as? [Any])?.isEmpty ?? true)
        values.merge(
            PeoplePages.accessValues(
                try await effective, request: request, path: "/admin/users/" + segment, linkGroups: true)
        ) { $1 }
        return WebPage(template: "admin_user", title: user.email, path: "/admin/users", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }
}
