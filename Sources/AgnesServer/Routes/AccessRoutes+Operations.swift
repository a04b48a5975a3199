extension AccessRoutes: DescribedRoutes {
    var apiTag: String { "Groups and grants" }

    var operations: [APIOperation] {
        let group: JSONSchema = .object([
            "id": .string, "name": .string, "description": .string.orNull, "is_system": .boolean,
            "member_count": .integer, "grant_count": .integer, "created_at": .timestamp.orNull,
        ])
        let groupBody = APIBody.json(.object(["name": .string, "description": .string.orNull]))
        let groupNotFound = APIResponse.error(404, "Group not found")
        let readOnly = APIResponse.error(409, "A system group, or one Google Workspace manages")
        let grant: JSONSchema = .object([
            "id": .string, "group_id": .string, "resource_type": .string, "resource_id": .string,
            "granted_at": .timestamp.orNull, "granted_by": .string.orNull,
        ])
        let membership: JSONSchema = .object([
            "user_id": .string, "group_id": .string, "source": .string, "added_at": .timestamp.orNull,
        ])
        let effectiveAccess: JSONSchema = .object(["user_id": .string, "is_admin": .boolean, "resources": .any])
        return [
            .get(
                "/api/admin/groups", "Every group, with member and grant counts", .admin,
                responses: [.ok(.array(group))]),
            .get("/api/admin/groups/:id", "One group", .admin, responses: [.ok(group), groupNotFound]),
            .post(
                "/api/admin/groups", "Create a group", .admin, body: groupBody,
                responses: [.created(group), .error(400, "Name missing or blank"), .error(409, "Name taken")]),
            .patch(
                "/api/admin/groups/:id", "Rename a group or change its description", .admin, body: groupBody,
                responses: [.ok(group), groupNotFound, readOnly]),
            .delete(
                "/api/admin/groups/:id", "Delete a group with its memberships and grants", .admin,
                responses: [.noContent, groupNotFound, readOnly]),
            .get(
                "/api/admin/groups/:id/members", "A group's members", .admin,
                responses: [.ok(.array(.any)), groupNotFound]),
            .post(
                "/api/admin/groups/:id/members", "Add a user to a group by email", .admin,
                body: .json(.object(["email": .string], required: ["email"])),
                responses: [.created(membership), groupNotFound, .error(404, "User not found"), readOnly]),
            .delete(
                "/api/admin/groups/:id/members/:uid", "Remove an admin-added member from a group", .admin,
                responses: [
                    .noContent, .error(404, "No admin-managed membership"),
                    .error(409, "The last active admin, or a Google-managed group"),
                ]),
            .get(
                "/api/admin/users/:uid/memberships", "A user's groups", .admin,
                responses: [.ok(.array(.any)), .error(404, "User not found")]),
            .post(
                "/api/admin/users/:uid/memberships", "Add a user to a group by id", .admin,
                body: .json(.object(["group_id": .string], required: ["group_id"])),
                responses: [.created(membership), .error(404, "User or group not found"), readOnly]),
            .delete(
                "/api/admin/users/:uid/memberships/:gid", "Remove an admin-added membership", .admin,
                responses: [
                    .noContent, .error(404, "No admin-managed membership"),
                    .error(409, "The last active admin, or a Google-managed group"),
                ]),
            .get(
                "/api/admin/grants", "Grants, optionally filtered", .admin,
                query: [.query("group_id", "only this group's"), .query("resource_type", "only this type")],
                responses: [.ok(.array(grant))]),
            .post(
                "/api/admin/grants", "Grant a group access to a resource", .admin,
                body: .json(
                    .object(
                        ["group_id": .string, "resource_type": .string, "resource_id": .string],
                        required: ["group_id", "resource_type", "resource_id"])),
                responses: [
                    .created(grant), .error(400, "Unknown resource type or bad resource id"), groupNotFound,
                    .error(409, "Already granted"),
                ]),
            .delete(
                "/api/admin/grants/:id", "Revoke a grant", .admin,
                responses: [.noContent, .error(404, "Grant not found")]),
            .get(
                "/api/admin/users/:uid/effective-access", "What a user may reach, and through which groups", .admin,
                responses: [.ok(effectiveAccess), .error(404, "User not found")]),
            .get(
                "/api/me/effective-access", "What you may reach, and through which groups", .user,
                responses: [.ok(effectiveAccess)]),
            .get(
                "/api/admin/resource-types", "The grantable resource types and their resources", .admin,
                responses: [.ok(.array(.any))]),
            .get(
                "/api/admin/access-overview", "Groups, members, grants and resources in one answer", .admin,
                responses: [.ok(.object(["groups": .array(.any), "resource_types": .array(.any)]))]),
        ]
    }
}
