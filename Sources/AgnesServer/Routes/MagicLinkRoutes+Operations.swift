extension MagicLinkRoutes: DescribedRoutes {
    var apiTag: String { "Sign-in" }

    var operations: [APIOperation] {
        [
            .post(
                "/auth/email/send-link", "Mail a one-hour sign-in link", .anonymous,
                body: .json(.object(["email": .string], required: ["email"])),
                responses: [
                    .ok(
                        .object(["message": .string, "dev_link": .string, "send_error": .string]),
                        "The same message whether or not the account exists; dev_link only in LOCAL_DEV_MODE"),
                    .error(429, "Too many requests (5 a minute)"),
                ]),
            .post(
                "/auth/email/verify", "Exchange a mailed link's token for a session token", .anonymous,
                body: .json(.object(["email": .string, "token": .string], required: ["email", "token"])),
                responses: [.ok(AuthRoutes.tokenResponse), .error(401, "Invalid or expired link")]),
            .get(
                "/auth/email/verify", "The mailed link: a page whose button signs in", .anonymous,
                query: [.query("email", "the account's email"), .query("token", "the link's token")],
                responses: [.html("One-button page"), .redirect("To /login/email?error=invalid_link")]),
            .post(
                "/auth/email/verify/confirm", "The mailed link's button: signs in and sets the cookie", .anonymous,
                body: .form(["email": .string, "token": .string], required: ["email", "token"]),
                responses: [.redirect("To /dashboard, signed in; to /login/email?error=… otherwise")]),
        ]
    }
}
