extension UserRoutes: DescribedRoutes {
    var apiTag: String { "Users" }

    var operations: [APIOperation] {
        let user: JSONSchema = .object([
            "id": .string, "email": .string, "name": .string.orNull, "role": .oneOf(["admin", "user"]),
            "is_admin": .boolean, "is_sso_user": .boolean, "groups": .array(.any), "active": .boolean,
            "created_at": .timestamp.orNull, "deactivated_at": .timestamp.orNull,
        ])
        let notFound = APIResponse.error(404, "User not found")
        return [
            .get("/api/users", "Every user, with groups and role", .admin, responses: [.ok(.array(user))]),
            .get("/api/users/:id", "One user", .admin, responses: [.ok(user), notFound]),
            .post(
                "/api/users", "Create a user, optionally mailing an invite", .admin,
                body: .json(
                    .object(["email": .string, "name": .string, "send_invite": .boolean], required: ["email", "name"])),
                responses: [
                    .created(user, "The user, with invite_url and invite_email_sent"),
                    .error(409, "A user with this email exists"), .error(422, "a valid email is required"),
                ]),
            .patch(
                "/api/users/:id", "Rename, activate or deactivate a user", .admin,
                body: .json(.object(["name": .string, "active": .boolean])),
                responses: [
                    .ok(user), notFound, .error(400, "Name cannot be blank, or deactivating yourself"),
                    .error(409, "The last active admin"),
                ]),
            .post(
                "/api/users/:id/deactivate", "Deactivate a user", .admin,
                responses: [.ok(user), notFound, .error(400, "Yourself"), .error(409, "The last active admin")]),
            .post("/api/users/:id/activate", "Activate a user", .admin, responses: [.ok(user), notFound]),
            .delete(
                "/api/users/:id", "Delete a user", .admin,
                responses: [
                    .noContent, notFound, .error(400, "Yourself"),
                    .error(409, "The last active admin, or a user the SSO provider manages"),
                ]),
            .post(
                "/api/users/:id/reset-password", "Issue a password reset link (mailed when mail is configured)", .admin,
                responses: [
                    .ok(.object(["reset_url": .string, "email_sent": .boolean])), notFound,
                    .error(409, "A user the SSO provider manages"),
                ]),
            .post(
                "/api/users/:id/set-password", "Set a user's password", .admin,
                body: .json(.object(["password": .string], required: ["password"])),
                responses: [
                    .noContent, notFound, .error(400, "Password under 8 characters"),
                    .error(409, "A user the SSO provider manages"),
                ]),
        ]
    }
}
