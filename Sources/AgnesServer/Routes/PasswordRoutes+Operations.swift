extension PasswordRoutes: DescribedRoutes {
    var apiTag: String { "Sign-in" }

    var operations: [APIOperation] {
        let pageWithLink = [
            APIParameter.query("email", "the account's email", required: true),
            .query("token", "the mailed one-time token", required: true),
        ]
        let passwords: [String: JSONSchema] = [
            "email": .string, "token": .string, "password": .string, "confirm_password": .string,
        ]
        return [
            .post(
                "/auth/password/login/web", "Browser sign-in form; sets the session cookie", .anonymous,
                body: .form(["email": .string, "password": .string, "next": .string], required: ["email"]),
                responses: [.redirect("To `next` or /dashboard; back to /login/password?error=… on failure")]),
            .post(
                "/auth/password/setup", "Set the first password of an invited account", .anonymous,
                body: .json(
                    .object(
                        ["email": .string, "token": .string, "password": .string],
                        required: ["email", "token", "password"])),
                responses: [
                    .ok(.object(["access_token": .string, "token_type": .string, "message": .string])),
                    .error(400, "Invalid or expired setup token, or a password under 8 characters"),
                    .error(403, "Account deactivated"),
                ]),
            .get(
                "/auth/password/setup", "The invite's set-password form", .anonymous, query: pageWithLink,
                responses: [.html("The form"), .redirect("To /login/password without email and token")]),
            .post(
                "/auth/password/setup/request", "Mail a set-password link to an invited account", .anonymous,
                body: .form(["email": .string], required: ["email"]),
                responses: [.html("\"Check your email\", whether or not the account exists")]),
            .post(
                "/auth/password/setup/confirm", "Set the first password from the invite's form", .anonymous,
                body: .form(
                    passwords.merging(["name": .string]) { a, _ in a }, required: ["email", "token", "password"]),
                responses: [.redirect("To /dashboard, signed in"), .html("The form again with the error", status: 400)]),
            .get(
                "/auth/password/reset", "The password reset form", .anonymous, query: pageWithLink,
                responses: [.html("The form"), .redirect("To /login/password without email and token")]),
            .post(
                "/auth/password/reset", "Mail a password reset link", .anonymous,
                body: .form(["email": .string], required: ["email"]),
                responses: [.html("\"Check your email\", whether or not the account exists")]),
            .post(
                "/auth/password/reset/confirm", "Set a new password from the reset form", .anonymous,
                body: .form(passwords, required: ["email", "token", "password"]),
                responses: [
                    .redirect("To /login/password?msg=password_reset, signed in"),
                    .html("The form again with the error", status: 400),
                ]),
        ]
    }
}
