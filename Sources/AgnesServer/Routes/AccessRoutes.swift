import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// Groups, members and grants (REFERENCE §1.11), admin-only under `/api/admin`, every mutation
/// audited; plus `GET /api/me/effective-access` for any signed-in user.
///
/// Google-managed groups (created by Google sync, or `Admin`/`Everyone` when mapped to a Workspace
/// group) are read-only: 409 with `detail` `{code: "google_managed_readonly", message}`. System groups
/// cannot be renamed or deleted. Only `admin`-sourced memberships can be removed here, and never the
/// last active member of `Admin`. Origins come from ``WorkspaceGroupMapping``.
struct AccessRoutes {
    let services: AgnesServices

    struct GroupRequest: Decodable {
        let name: String?
        let description: String?
    }

    struct MemberRequest: Decodable {
        let email: String
    }

    struct MembershipRequest: Decodable {
        let groupID: String

        enum CodingKeys: String, CodingKey {
            case groupID = "group_id"
        }
    }

    struct GrantRequest: Decodable {
        let groupID: String
        let resourceType: String
        let resourceID: String

        enum CodingKeys: String, CodingKey {
            case groupID = "group_id"
            case resourceType = "resource_type"
            case resourceID = "resource_id"
        }
    }

    var groups: DuckDBGroupRepository { DuckDBGroupRepository(store: services.store) }
    var users: DuckDBUserRepository { DuckDBUserRepository(store: services.store) }
    var grants: DuckDBGrantRepository { DuckDBGrantRepository(store: services.store) }

    func register(on router: Router<AgnesRequestContext>) {
        registerGroups(on: router)
        registerMembers(on: router)
        registerGrants(on: router)
        registerOverview(on: router)
    }

    private func registerGroups(on router: Router<AgnesRequestContext>) {
        router.get("/api/admin/groups") { request, context in
            _ = try await services.admin(request, context)
            let counts = try await groups.counts()
            return JSONBody.response(object: try await groups.list().map { view(of: $0, counts: counts) })
        }
        router.get("/api/admin/groups/:id") { request, context in
            _ = try await services.admin(request, context)
            return JSONBody.response(object: try await view(of: try await group(context)))
        }
        router.post("/api/admin/groups") { request, context in
            let actor = try await services.admin(request, context)
            let body = try await request.decodeJSON(GroupRequest.self, context: context)
            return try await createGroup(body, actor: actor)
        }
        router.patch("/api/admin/groups/:id") { request, context in
            let actor = try await services.admin(request, context)
            let body = try await request.decodeJSON(GroupRequest.self, context: context)
            return try await updateGroup(try await group(context), body, actor: actor)
        }
        router.delete("/api/admin/groups/:id") { request, context in
            let actor = try await services.admin(request, context)
            return try await deleteGroup(try await group(context), actor: actor)
        }
    }

    private func createGroup(_ body: GroupRequest, actor: AuthenticatedUser) async throws -> Response {
        let name = try Self.groupName(body.name ?? "")
        let exists = APIError(.conflict, "Group '\(name)' already exists")
        if try await groups.find(name: name) != nil { throw exists }
        let group: Group
        do {
            group = try await groups.create(name: name, description: body.description, createdBy: actor.user.email)
        } catch let error as StoreError where error.code == .conflict {
            throw exists
        }
        await audit("user_group.created", actor: actor, resource: "group:\(group.id)", params: ["name": name])
        return JSONBody.response(status: .created, object: try await view(of: group))
    }

    private func updateGroup(_ group: Group, _ body: GroupRequest, actor: AuthenticatedUser) async throws -> Response {
        try refuseIfGoogleManaged(group)
        var newName: String?
        if let requested = body.name {
            let name = try Self.groupName(requested)
            if name != group.name {
                if group.isSystem { throw APIError(.conflict, "System groups cannot be renamed") }
                newName = name
            }
        }
        guard newName != nil || body.description != nil else {
            return JSONBody.response(object: try await view(of: group))
        }
        let exists = APIError(.conflict, "Group '\(newName ?? group.name)' already exists")
        if let newName, try await groups.find(name: newName) != nil { throw exists }
        let updated: Group?
        do {
            updated = try await groups.update(id: group.id, name: newName, description: body.description)
        } catch let error as StoreError where error.code == .conflict {
            throw exists
        }
        guard let updated else { throw APIError.groupNotFound }
        var params: [String: String] = [:]
        params["name"] = newName
        params["description"] = body.description
        await audit("user_group.updated", actor: actor, resource: "group:\(group.id)", params: params)
        return JSONBody.response(object: try await view(of: updated))
    }

    private func deleteGroup(_ group: Group, actor: AuthenticatedUser) async throws -> Response {
        try refuseIfGoogleManaged(group)
        let systemGroup = APIError(.conflict, "Cannot delete a system group")
        if group.isSystem { throw systemGroup }
        let isDeleted: Bool
        do {
            // Members, grants and the group go in one transaction.
            isDeleted = try await groups.delete(id: group.id)
        } catch let error as StoreError where error.code == .conflict {
            throw systemGroup
        }
        guard isDeleted else { throw APIError.groupNotFound }
        await audit("user_group.deleted", actor: actor, resource: "group:\(group.id)", params: ["name": group.name])
        return Response(status: .noContent)
    }

    /// A group name as given, trimmed; 400 when blank.
    static func groupName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw APIError(.badRequest, "Group name is required") }
        return name
    }

    /// The group named by the `:id` path parameter (404 `Group not found`).
    func group(_ context: AgnesRequestContext, parameter: String = "id") async throws -> Group {
        let id = try context.parameters.require(parameter)
        guard let group = try await groups.find(id: id) else { throw APIError.groupNotFound }
        return group
    }

    /// The user named by the `:uid` path parameter (404 `User not found`).
    func user(_ context: AgnesRequestContext) async throws -> User {
        let id = try context.parameters.require("uid")
        guard let user = try await users.find(id: id) else { throw APIError.userNotFound }
        return user
    }

    func refuseIfGoogleManaged(_ group: Group) throws {
        if services.groupMapping.isGoogleManaged(group) { throw APIError.googleManagedGroup }
    }

    func view(of group: Group, counts: [String: DuckDBGroupRepository.Counts]) -> GroupView {
        GroupView(group, counts: counts[group.id], mapping: services.groupMapping)
    }

    func view(of group: Group) async throws -> GroupView {
        view(of: group, counts: try await groups.counts())
    }

    func audit(_ action: String, actor: AuthenticatedUser, resource: String, params: [String: String]) async {
        await services.auth.authenticator.record(action, userID: actor.user.id, resource: resource, params: params)
    }
}
