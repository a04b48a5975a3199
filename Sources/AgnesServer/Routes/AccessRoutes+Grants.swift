import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// Resource grants and the effective-access views built from them.
extension AccessRoutes {
    func registerGrants(on router: Router<AgnesRequestContext>) {
        router.get("/api/admin/grants") { request, context in
            _ = try await services.admin(request, context)
            let query = request.uri.queryParameters
            let type = try query.get("resource_type").flatMap { $0.isEmpty ? nil : try ResourceType.parse($0) }
            let groupID = query.get("group_id").flatMap { $0.isEmpty ? nil : $0 }
            let names = try await groupNames()
            return JSONBody.response(
                object: try await grants.list(groupID: groupID, type: type).map {
                    GrantView(grant: $0, groupName: names[$0.groupID] ?? "")
                })
        }
        router.post("/api/admin/grants") { request, context in
            let actor = try await services.admin(request, context)
            let body = try await request.decodeJSON(GrantRequest.self, context: context)
            return try await createGrant(body, actor: actor)
        }
        router.delete("/api/admin/grants/:id") { request, context in
            let actor = try await services.admin(request, context)
            let id = try context.parameters.require("id")
            guard let grant = try await grants.find(id: id), try await grants.revoke(id: grant.id) else {
                throw APIError.grantNotFound
            }
            await audit(
                "resource_grant.deleted", actor: actor, resource: "grant:\(grant.id)",
                params: [
                    "group_id": grant.groupID, "resource_type": grant.resourceType.rawValue,
                    "resource_id": grant.resourceID,
                ])
            return Response(status: .noContent)
        }
        router.get("/api/admin/users/:uid/effective-access") { request, context in
            _ = try await services.admin(request, context)
            return JSONBody.response(object: try await effectiveAccess(of: try await user(context).id))
        }
        router.get("/api/me/effective-access") { request, context in
            let caller = try await services.caller(request, context)
            return JSONBody.response(object: try await effectiveAccess(of: caller.user.id))
        }
    }

    private func createGrant(_ body: GrantRequest, actor: AuthenticatedUser) async throws -> Response {
        let type = try ResourceType.parse(body.resourceType)
        let resourceID = body.resourceID.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !resourceID.isEmpty else { throw APIError(.badRequest, "resource_id is required") }
        guard let group = try await groups.find(id: body.groupID) else { throw APIError.groupNotFound }
        // No check that the resource exists: grants may be made ahead of a table or plugin.
        let grant: ResourceGrant
        do {
            grant = try await grants.insert(groupID: group.id, type: type, resourceID: resourceID, by: actor.user.email)
        } catch let error as StoreError where error.code == .conflict {
            throw APIError(.conflict, "Grant already exists for this group/resource_type/resource_id")
        } catch let error as StoreError where error.code == .notFound {
            throw APIError.groupNotFound
        }
        await audit(
            "resource_grant.created", actor: actor, resource: "grant:\(grant.id)",
            params: ["group_id": group.id, "resource_type": type.rawValue, "resource_id": resourceID])
        return JSONBody.response(status: .created, object: GrantView(grant: grant, groupName: group.name))
    }

    /// What the user's groups were granted, one item per resource with every group granting it.
    func effectiveAccess(of userID: String) async throws -> EffectiveAccess {
        let index = try await MembershipIndex.load(services, userID: userID)
        var items: [String: EffectiveAccess.Item] = [:]
        for grant in try await grants.grants(reachableBy: userID) {
            let key = "\(grant.resourceType.rawValue)\u{0}\(grant.resourceID)"
            let via = EffectiveAccess.Via(
                groupID: grant.groupID, groupName: index.groupsByID[grant.groupID]?.name ?? grant.groupID)
            items[key, default: .init(resourceType: grant.resourceType.rawValue, resourceID: grant.resourceID)]
                .viaGroups.append(via)
        }
        let sorted = items.values
            .map { item in
                var item = item
                item.viaGroups.sort { ($0.groupName, $0.groupID) < ($1.groupName, $1.groupID) }
                return item
            }
            .sorted { ($0.resourceType, $0.resourceID) < ($1.resourceType, $1.resourceID) }
        return EffectiveAccess(isAdmin: index.isAdmin(userID), items: sorted)
    }

    /// Group names by id.
    func groupNames() async throws -> [String: String] {
        Dictionary(try await groups.list().map { ($0.id, $0.name) }) { first, _ in first }
    }
}
