import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `/admin/groups`: every group with its origin, member and grant counts, and a form that creates
/// one (`POST /api/admin/groups`). `/admin/groups/{id}`: one group: rename it or change its
/// description (`PATCH`), delete it (`DELETE`), its members (paged) added by email and removed
/// (`/api/admin/groups/{id}/members`), and what it was granted. The forms a group cannot take are not
/// offered: system groups keep their name and cannot be deleted, Google-managed groups are read-only,
/// and only memberships an admin made can be removed (as the API decides; it has the last word).
struct GroupAdminPages {
    let services: AgnesServices

    func list(for caller: AuthenticatedUser) async throws -> Response {
        let repository = DuckDBGroupRepository(store: services.store)
        async let listed = repository.list()
        async let counted = repository.counts()
        let counts = try await counted
        let mapping = services.groupMapping
        let rows = try await listed.map { group -> [String: Any] in  // system groups first, then by name
            var row = PeoplePages.origin(mapping.origin(of: group))
            row.merge([
                "group_name": group.name, "group_href": "/admin/groups/" + WebPage.pathSegment(group.id),
                "group_members": DashboardPage.count(counts[group.id]?.members ?? 0),
                "group_grants": DashboardPage.count(counts[group.id]?.grants ?? 0),
                "group_is_system": group.isSystem, "group_description": group.description ?? "",
                "has_description": group.description?.isEmpty == false,
            ]) { $1 }
            return row
        }
        return WebPage(
            template: "admin_groups", title: "Groups", path: "/admin/groups", caller: caller,
            values: ["groups": rows, "has_groups": !rows.isEmpty]
        ).response(instanceName: services.settings.instanceName)
    }

    func group(_ id: String, for caller: AuthenticatedUser, request: Request) async throws -> Response {
        let repository = DuckDBGroupRepository(store: services.store)
        guard let group = try await repository.find(id: id) else {
            return WebPage.notFound("There is no group \(id).", caller: caller, services: services)
        }
        async let listedMembers = AccessRoutes(services: services).members(of: group.id)
        async let listedGrants = DuckDBGrantRepository(store: services.store).list(groupID: group.id, type: nil)
        let members = try await listedMembers.sorted { $0.user.email.lowercased() < $1.user.email.lowercased() }
        let mapping = services.groupMapping
        let isManaged = mapping.isGoogleManaged(group)
        let segment = WebPage.pathSegment(group.id)
        let paging = WebPaging(total: members.count, request: request)
        var values: [String: Any] = PeoplePages.origin(mapping.origin(of: group))
        values.merge([
            "group_name": group.name, "group_description": group.description ?? "",
            "has_description": group.description?.isEmpty == false,
            "group_is_system": group.isSystem, "group_managed": isManaged,
            "group_mapped": mapping.mappedEmail(of: group) ?? "", "has_mapped": mapping.mappedEmail(of: group) != nil,
            "group_created": group.createdAt.map(DashboardPage.day) ?? "–", "group_created_by": group.createdBy ?? "–",
            "group_api": "/api/admin/groups/" + segment, "members_api": "/api/admin/groups/\(segment)/members",
            "may_edit": !isManaged, "may_rename": !isManaged && !group.isSystem,
            "may_delete": !isManaged && !group.isSystem, "may_add": !isManaged,
            "member_count": DashboardPage.count(members.count), "has_members": !members.isEmpty,
            "members": members[paging.range].map { user, membership -> [String: Any] in
                [
                    "member_email": user.email, "member_name": user.name ?? "", "member_active": user.isActive,
                    "member_href": "/admin/users/" + WebPage.pathSegment(user.id),
                    "member_source": PeoplePages.source(membership.source),
                    "member_added": membership.addedAt.map(DashboardPage.day) ?? "–",
                    "member_removable": membership.source == .admin && !isManaged,
                    "member_remove_api": "/api/admin/groups/\(segment)/members/" + WebPage.pathSegment(user.id),
                ]
            },
        ]) { $1 }
        let grants = try await listedGrants.sorted {
            ($0.resourceType.rawValue, $0.resourceID) < ($1.resourceType.rawValue, $1.resourceID)
        }
        values["has_grants"] = !grants.isEmpty
        values["grant_count"] = DashboardPage.count(grants.count)
        values["more_grants"] = grants.count > WebPaging.pageSize
        values["grants"] = grants.prefix(WebPaging.pageSize).map { grant -> [String: Any] in
            [
                "grant_type": grant.resourceType.displayName, "grant_resource": grant.resourceID,
                "grant_at": grant.assignedAt.map(DashboardPage.day) ?? "–", "grant_by": grant.assignedBy ?? "–",
            ]
        }
        values.merge(paging.values(path: "/admin/groups/" + segment)) { $1 }
        return WebPage(
            template: "admin_group", title: group.name, path: "/admin/groups", caller: caller, values: values
        )
        .response(instanceName: services.settings.instanceName)
    }
}
