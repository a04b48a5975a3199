import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// Memberships, seen from the group (`/groups/{id}/members`) and from the user
/// (`/users/{uid}/memberships`).
extension AccessRoutes {
    /// A group's members with their user records, in membership order (one read of each).
    func members(of groupID: String) async throws -> [(user: User, membership: Membership)] {
        async let memberships = groups.members(groupID: groupID)
        let usersByID = Dictionary(try await users.list().map { ($0.id, $0) }) { first, _ in first }
        return try await memberships.compactMap { membership in
            usersByID[membership.userID].map { (user: $0, membership: membership) }
        }
    }

    func registerMembers(on router: Router<AgnesRequestContext>) {
        router.get("/api/admin/groups/:id/members") { request, context in
            _ = try await services.admin(request, context)
            let group = try await self.group(context)
            let members = try await members(of: group.id)
            return JSONBody.response(object: members.map { MemberView(user: $0.user, membership: $0.membership) })
        }
        router.post("/api/admin/groups/:id/members") { request, context in
            let actor = try await services.admin(request, context)
            let body = try await request.decodeJSON(MemberRequest.self, context: context)
            let group = try await self.group(context)
            try refuseIfGoogleManaged(group)
            let email = body.email.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let user = try await users.find(email: email) else {
                throw APIError(.notFound, "User '\(email)' not found")
            }
            let membership = try await add(user, to: group, actor: actor, alreadyMember: "User already a member")
            await audit(
                "user_group.member_added", actor: actor, resource: "group:\(group.id)",
                params: ["user_email": user.email, "user_id": user.id])
            return JSONBody.response(status: .created, object: MemberView(user: user, membership: membership))
        }
        router.delete("/api/admin/groups/:id/members/:uid") { request, context in
            let actor = try await services.admin(request, context)
            let group = try await self.group(context)
            let userID = try context.parameters.require("uid")
            try await remove(userID: userID, from: group)
            await audit(
                "user_group.member_removed", actor: actor, resource: "group:\(group.id)", params: ["user_id": userID])
            return Response(status: .noContent)
        }
        router.get("/api/admin/users/:uid/memberships") { request, context in
            _ = try await services.admin(request, context)
            let user = try await self.user(context)
            let index = try await MembershipIndex.load(services, userID: user.id)
            return JSONBody.response(
                object: index.memberships(of: user.id).map { membership, group in
                    MembershipView(membership: membership, group: group, origin: index.mapping.origin(of: group))
                })
        }
        router.post("/api/admin/users/:uid/memberships") { request, context in
            let actor = try await services.admin(request, context)
            let body = try await request.decodeJSON(MembershipRequest.self, context: context)
            let user = try await self.user(context)
            guard let group = try await groups.find(id: body.groupID) else { throw APIError.groupNotFound }
            try refuseIfGoogleManaged(group)
            let membership = try await add(user, to: group, actor: actor, alreadyMember: "Already a member")
            await audit(
                "user_group.member_added", actor: actor, resource: "user:\(user.id)",
                params: ["group_id": group.id, "group_name": group.name])
            return JSONBody.response(
                status: .created,
                object: MembershipView(
                    membership: membership, group: group, origin: services.groupMapping.origin(of: group)))
        }
        router.delete("/api/admin/users/:uid/memberships/:gid") { request, context in
            let actor = try await services.admin(request, context)
            let userID = try context.parameters.require("uid")
            let group = try await self.group(context, parameter: "gid")
            try await remove(userID: userID, from: group)
            await audit(
                "user_group.member_removed", actor: actor, resource: "user:\(userID)",
                params: ["group_id": group.id, "group_name": group.name])
            return Response(status: .noContent)
        }
    }

    /// Adds an `admin`-sourced membership; 409 `alreadyMember` when the user is in the group already
    /// (whatever made that membership).
    private func add(_ user: User, to group: Group, actor: AuthenticatedUser, alreadyMember: String) async throws
        -> Membership
    {
        let isAdded: Bool
        do {
            isAdded = try await groups.addMember(
                userID: user.id, groupID: group.id, source: .admin, addedBy: actor.user.email)
        } catch let error as StoreError where error.code == .notFound {
            throw APIError.groupNotFound  // deleted meanwhile
        }
        guard isAdded else { throw APIError(.conflict, alreadyMember) }
        let stored = try await groups.memberships(userID: user.id).first { $0.groupID == group.id }
        return stored ?? Membership(userID: user.id, groupID: group.id, source: .admin, addedBy: actor.user.email)
    }

    /// Removes an `admin`-sourced membership, keeping at least one active admin.
    private func remove(userID: String, from group: Group) async throws {
        try refuseIfGoogleManaged(group)
        let isRemoved: Bool
        do {
            isRemoved = try await groups.removeMember(userID: userID, groupID: group.id, source: .admin)
        } catch let error as StoreError where error.code == .lastActiveAdmin {
            throw APIError.lastAdminRemoval
        }
        guard isRemoved else { throw APIError.noAdminManagedMembership }
    }
}
