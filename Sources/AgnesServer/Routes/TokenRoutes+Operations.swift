extension TokenRoutes: DescribedRoutes {
    var apiTag: String { "Personal access tokens" }

    var operations: [APIOperation] {
        let token: JSONSchema = .object([
            "id": .string, "name": .string, "prefix": .string, "created_at": .timestamp,
            "expires_at": .timestamp.orNull, "last_used_at": .timestamp.orNull, "revoked_at": .timestamp.orNull,
        ])
        return [
            .post(
                "/auth/tokens", "Create a personal access token; the raw token is shown only in this answer", .user,
                body: .json(
                    .object(
                        [
                            "name": .string, "expires_in_days": .integer.orNull, "scope": .string,
                            "ttl_seconds": .integer.orNull,
                        ], required: ["name"])),
                responses: [
                    .created(
                        .object([
                            "id": .string, "name": .string, "prefix": .string, "token": .string,
                            "expires_at": .timestamp.orNull, "created_at": .timestamp,
                        ])),
                    .error(400, "Blank name, or a lifetime out of range"),
                    .error(403, "Needs an interactive session, not a PAT or the scheduler secret"),
                ]),
            .get("/auth/tokens", "Your own tokens, revoked ones included", .user, responses: [.ok(.array(token))]),
            .get(
                "/auth/tokens/:id", "One of your tokens", .user,
                responses: [.ok(token), .error(404, "Token not found")]),
            .delete(
                "/auth/tokens/:id", "Revoke one of your tokens", .user,
                responses: [.noContent, .error(404, "Token not found")]),
            .get(
                "/auth/admin/tokens", "Every user's tokens, with owner and last address", .admin,
                responses: [.ok(.array(token))]),
            .delete(
                "/auth/admin/tokens/:id", "Revoke any token", .admin,
                responses: [.noContent, .error(404, "Token not found")]),
        ]
    }
}
