extension LoginPages: DescribedRoutes {
    var apiTag: String { "Web pages" }

    var operations: [APIOperation] {
        [
            .get(
                "/", "Sends the browser to /dashboard or /login", .anonymous, responses: [.redirect("By sign-in state")]
            ),
            .get(
                "/login", "Choice of sign-in methods", .anonymous,
                query: [.query("next", "where to go after signing in")], responses: [.html("The page")]),
            .get("/login/password", "Password sign-in page", .anonymous, responses: [.html("The page")]),
            .get("/login/email", "Sign-in-by-email page", .anonymous, responses: [.html("The page")]),
            .get(
                "/first-time-setup", "Create the first admin, while no account has a password", .anonymous,
                responses: [.html("The form"), .redirect("To /login once an account has a password")]),
            .get("/install", "The old address of /setup", .anonymous, responses: [.redirect("To /setup")]),
            .get(
                "/dashboard", "The signed-in landing page", .anonymous,
                responses: [.html("The page"), APIResponse.signInRedirect]),
            .get(
                "/catalog", "The tables you may read, by source and bucket", .anonymous,
                query: [.query("q", "only tables whose id, name or description contains this")],
                responses: [.html("The page"), APIResponse.signInRedirect]),
            .get(
                "/catalog/{table}", "One table with its profile drawn", .anonymous,
                responses: [
                    .html("The page"), .html("You may not read it (whether or not it exists)", status: 403),
                    .html("No such table (admins)", status: 404), APIResponse.signInRedirect,
                ]),
            .get(
                "/static/{name}", "The web UI's stylesheet, at a path naming its content's hash", .anonymous,
                responses: [
                    .body(200, "text/css", "The stylesheet, cacheable for a year"),
                    .body(404, "text/plain", "Any other name"),
                ]),
            .post(
                "/auth/logout", "Sign out: ends this session and clears the cookie", .anonymous,
                responses: [.redirect("To /login")]),
            .post(
                "/auth/logout/everywhere", "End all of your sessions", .user, responses: [.redirect("To /login")]),
        ]
    }
}
