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
                "/dashboard", "The signed-in landing page", .anonymous,
                responses: [.html("The page"), .redirect("To /login?next=… when not signed in")]),
            .post(
                "/auth/logout", "Sign out: ends this session and clears the cookie", .anonymous,
                responses: [.redirect("To /login")]),
            .post(
                "/auth/logout/everywhere", "End all of your sessions", .user, responses: [.redirect("To /login")]),
        ]
    }
}
