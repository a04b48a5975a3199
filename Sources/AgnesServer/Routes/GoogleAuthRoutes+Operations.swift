extension GoogleAuthRoutes: DescribedRoutes {
    var apiTag: String { "Sign-in" }

    var operations: [APIOperation] {
        [
            .get(
                "/auth/google/login", "Start Google sign-in", .anonymous,
                query: [.query("next", "where to go after signing in")],
                responses: [.redirect("To Google; to /login?error=google_not_configured when not configured")]),
            .get(
                "/auth/google/callback", "Google's redirect back: signs in and sets the cookie", .anonymous,
                query: [.query("code", "authorization code"), .query("state", "the attempt's state")],
                responses: [.redirect("To `next` or /dashboard; to /login?error=… on failure")]),
        ]
    }
}
