import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// The pages about people and their access: the admins' `/admin/access` (``AccessMatrixPage``),
/// `/admin/users` and `/admin/groups` (``UserAdminPages``, ``GroupAdminPages``) and `/admin/tokens`,
/// and everyone's `/profile` (``ProfilePage``) and `/tokens` (``TokenPages``). Every change a page
/// offers is a form that ``WebScript`` sends to the JSON API the CLI uses, so the API's checks (the
/// last admin, system and Google-managed groups, SSO-managed accounts) apply and its `detail` is shown.
/// An admin page answers 403 to anyone else, before anything is looked up.
struct PeoplePages {
    let services: AgnesServices

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/admin/access") { request, context in
            try await services.adminPage(request, context) { caller in
                try await AccessMatrixPage(services: services).response(for: caller, request: request)
            }
        }
        router.get("/admin/users") { request, context in
            try await services.adminPage(request, context) { caller in
                try await UserAdminPages(services: services).list(for: caller, request: request)
            }
        }
        router.get("/admin/users/:id") { request, context in
            try await services.adminPage(request, context) { caller in
                try await UserAdminPages(services: services).user(
                    context.parameters.get("id") ?? "", for: caller, request: request)
            }
        }
        router.get("/admin/groups") { request, context in
            try await services.adminPage(request, context) { caller in
                try await GroupAdminPages(services: services).list(for: caller)
            }
        }
        router.get("/admin/groups/:id") { request, context in
            try await services.adminPage(request, context) { caller in
                try await GroupAdminPages(services: services).group(
                    context.parameters.get("id") ?? "", for: caller, request: request)
            }
        }
        router.get("/admin/tokens") { request, context in
            try await services.adminPage(request, context) { caller in
                try await TokenPages(services: services).all(for: caller, request: request)
            }
        }
        router.get("/tokens") { request, context in
            let caller = try await services.caller(request, context)
            return try await TokenPages(services: services).mine(for: caller, request: request)
        }
        router.get("/profile") { request, context in
            let caller = try await services.caller(request, context)
            return try await ProfilePage(services: services).response(for: caller, request: request)
        }
    }

    /// A 404 page.
    /// A group's origin as a chip's words and CSS class.
    static func origin(_ origin: GroupOrigin) -> [String: Any] {
        switch origin {
        case .system: ["origin_text": "system", "origin_class": "origin-system"]
        case .custom: ["origin_text": "custom", "origin_class": "origin-custom"]
        case .googleSync: ["origin_text": "Google Workspace", "origin_class": "origin-google"]
        }
    }

    /// What a membership's `source` means.
    static func source(_ source: MembershipSource) -> String {
        switch source {
        case .admin: "added by an admin"
        case .googleSync: "Google Workspace sync"
        case .systemSeed: "seeded at install"
        case .cliBreakGlass: "break-glass CLI"
        }
    }

    /// The rows of an effective-access answer: resource type, resource, and the groups that grant it.
    static func accessRows(_ items: [AccessRoutes.EffectiveAccess.Item], linkGroups: Bool) -> [[String: Any]] {
        items.map { item in
            [
                "access_type": ResourceType(rawValue: item.resourceType)?.displayName ?? item.resourceType,
                "access_resource": item.resourceID,
                "access_via": item.viaGroups.map { via in
                    [
                        "via_name": via.groupName, "via_href": "/admin/groups/" + WebPage.pathSegment(via.groupID),
                        "via_link": linkGroups,
                    ] as [String: Any]
                },
            ]
        }
    }

    /// A user's or the caller's effective access, one page of it, as template values.
    static func accessValues(
        _ access: AccessRoutes.EffectiveAccess, request: Request, path: String, linkGroups: Bool
    ) -> [String: Any] {
        let paging = WebPaging(total: access.items.count, request: request)
        var values: [String: Any] = [
            "access_is_admin": access.isAdmin, "has_access": !access.items.isEmpty,
            "access_count": DashboardPage.count(access.items.count),
            "access": accessRows(Array(access.items[paging.range]), linkGroups: linkGroups),
        ]
        values.merge(paging.values(path: path)) { $1 }
        return values
    }
}
