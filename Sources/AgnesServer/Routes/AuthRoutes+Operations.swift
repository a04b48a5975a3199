extension AuthRoutes: DescribedRoutes {
    var apiTag: String { "Sign-in" }

    /// `{access_token, token_type, user_id, email, role}`.
    static let tokenResponse: JSONSchema = .object([
        "access_token": .string, "token_type": .string, "user_id": .string, "email": .string,
        "role": .oneOf(["admin", "user"]),
    ])

    var operations: [APIOperation] {
        let credentials = APIBody.json(.object(["email": .string, "password": .string], required: ["email"]))
        let limited = APIResponse.error(429, "Too many requests (10 a minute per client)")
        return [
            .post(
                "/auth/token", "Sign in with email and password; returns a 24 h session token", .anonymous,
                body: credentials,
                responses: [
                    .ok(Self.tokenResponse), .error(401, "Invalid email or password, or account deactivated"), limited,
                ]),
            .post(
                "/auth/password/login", "Sign in with email and password (same as /auth/token)", .anonymous,
                body: credentials,
                responses: [
                    .ok(Self.tokenResponse), .error(401, "Invalid email or password, or account deactivated"), limited,
                ]),
            .get(
                "/auth/me", "The signed-in caller", .user,
                responses: [
                    .ok(.object(["id": .string, "email": .string, "name": .string.orNull, "is_admin": .boolean]))
                ]
            ),
            .post(
                "/auth/bootstrap", "Create the first admin while no user has a password", .anonymous,
                body: .json(.object(["email": .string, "name": .string, "password": .string], required: ["email"])),
                responses: [
                    .ok(Self.tokenResponse), .error(403, "Bootstrap disabled: a user with a password exists"),
                    .error(422, "a valid email is required"), .error(429, "Too many requests (3 a minute)"),
                ]),
            .post(
                "/auth/bootstrap/web", "The first-time setup form: the first admin, signed in", .anonymous,
                body: .form(
                    ["email": .string, "name": .string, "password": .string, "confirm_password": .string],
                    required: ["email", "password", "confirm_password"]),
                responses: [
                    .redirect(
                        "To /dashboard signed in; to /first-time-setup?error=… (mismatch, too_short, invalid_email); to /login once a user has a password"
                    ),
                    .error(429, "Too many requests (3 a minute)"),
                ]),
        ]
    }
}
