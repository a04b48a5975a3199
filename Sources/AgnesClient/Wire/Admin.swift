import Foundation
import NIOHTTP1

/// Admin routes (REFERENCE §1.9–1.11). Answers are returned as JSON values: the CLI prints chosen
/// fields of them and passes `--json` through unchanged.
extension AgnesAPI {
    /// `GET /api/users`.
    public func users() async throws -> [JSONValue] { try await get("/api/users") }

    /// `POST /api/users {email, name, send_invite}`.
    public func createUser(email: String, name: String?, sendInvite: Bool) async throws -> JSONValue {
        // `name` is required on the wire; empty lets the server use the email's local part.
        let body: [String: JSONValue] = [
            "email": .string(email), "name": .string(name ?? ""), "send_invite": .bool(sendInvite),
        ]
        return try await send(.POST, "/api/users", json: JSONValue.object(body))
    }

    /// `DELETE /api/users/{id}`.
    public func deleteUser(id: String) async throws {
        try await perform(.DELETE, "/api/users/\(PathSegment.encode(id))")
    }

    /// `POST /api/users/{id}/activate` or `/deactivate`.
    public func setUserActive(id: String, _ isActive: Bool) async throws -> JSONValue {
        try await send(request(.POST, "/api/users/\(PathSegment.encode(id))/\(isActive ? "activate" : "deactivate")"))
            .decode()
    }

    /// `POST /api/users/{id}/reset-password` → `{reset_url, email_sent}`.
    public func resetPassword(id: String) async throws -> JSONValue {
        try await send(request(.POST, "/api/users/\(PathSegment.encode(id))/reset-password")).decode()
    }

    /// `POST /api/users/{id}/set-password {password}`.
    public func setPassword(id: String, password: String) async throws {
        try await perform(
            .POST, "/api/users/\(PathSegment.encode(id))/set-password",
            json: JSONValue.object(["password": .string(password)]))
    }

    /// The user with `idOrEmail` (an id, or an email matched case-insensitively).
    public func findUser(_ idOrEmail: String) async throws -> JSONValue {
        let users = try await users()
        let wanted = idOrEmail.lowercased()
        if let user = users.first(where: { $0["id"]?.string == idOrEmail })
            ?? users.first(where: { $0["email"]?.string?.lowercased() == wanted })
        {
            return user
        }
        throw ClientError(.notFound, "no user \(idOrEmail)", hint: "agnes admin list-users shows every user")
    }

    /// `GET /api/admin/registry` → the registered tables.
    public func registry() async throws -> [JSONValue] {
        let page: JSONValue = try await get("/api/admin/registry")
        if case .array(let tables)? = page["tables"] { return tables }
        return []
    }

    /// `POST /api/admin/register-table` (or `/precheck` when `dryRun`).
    public func registerTable(_ body: [String: JSONValue], dryRun: Bool) async throws -> JSONValue {
        try await send(.POST, "/api/admin/register-table" + (dryRun ? "/precheck" : ""), json: JSONValue.object(body))
    }

    /// `GET /api/admin/groups`.
    public func groups() async throws -> [JSONValue] { try await get("/api/admin/groups") }

    /// The group named (or with id) `nameOrID`.
    public func findGroup(_ nameOrID: String) async throws -> JSONValue {
        let groups = try await groups()
        if let group = groups.first(where: { $0["id"]?.string == nameOrID })
            ?? groups.first(where: { $0["name"]?.string == nameOrID })
        {
            return group
        }
        throw ClientError(.notFound, "no group \(nameOrID)", hint: "agnes admin group list shows every group")
    }

    /// `POST /api/admin/groups {name, description}`.
    public func createGroup(name: String, description: String?) async throws -> JSONValue {
        var body: [String: JSONValue] = ["name": .string(name)]
        if let description { body["description"] = .string(description) }
        return try await send(.POST, "/api/admin/groups", json: JSONValue.object(body))
    }

    /// `DELETE /api/admin/groups/{id}`.
    public func deleteGroup(id: String) async throws {
        try await perform(.DELETE, "/api/admin/groups/\(PathSegment.encode(id))")
    }

    /// `GET /api/admin/groups/{id}/members`.
    public func members(groupID: String) async throws -> [JSONValue] {
        try await get("/api/admin/groups/\(PathSegment.encode(groupID))/members")
    }

    /// `POST /api/admin/groups/{id}/members {email}`.
    public func addMember(groupID: String, email: String) async throws -> JSONValue {
        try await send(
            .POST, "/api/admin/groups/\(PathSegment.encode(groupID))/members",
            json: JSONValue.object(["email": .string(email)]))
    }

    /// `DELETE /api/admin/groups/{gid}/members/{uid}`.
    public func removeMember(groupID: String, userID: String) async throws {
        try await perform(
            .DELETE, "/api/admin/groups/\(PathSegment.encode(groupID))/members/\(PathSegment.encode(userID))")
    }

    /// `GET /api/admin/grants[?resource_type=&group_id=]`.
    public func grants(resourceType: String?, groupID: String?) async throws -> [JSONValue] {
        var query: [(String, String)] = []
        if let resourceType { query.append(("resource_type", resourceType)) }
        if let groupID { query.append(("group_id", groupID)) }
        return try await get("/api/admin/grants", query: query)
    }

    /// `POST /api/admin/grants {group_id, resource_type, resource_id}`.
    public func createGrant(groupID: String, resourceType: String, resourceID: String) async throws -> JSONValue {
        try await send(
            .POST, "/api/admin/grants",
            json: JSONValue.object([
                "group_id": .string(groupID), "resource_type": .string(resourceType),
                "resource_id": .string(resourceID),
            ]))
    }

    /// `DELETE /api/admin/grants/{id}`.
    public func deleteGrant(id: String) async throws {
        try await perform(.DELETE, "/api/admin/grants/\(PathSegment.encode(id))")
    }

    /// `GET /api/admin/resource-types`.
    public func resourceTypes() async throws -> [JSONValue] { try await get("/api/admin/resource-types") }
}
