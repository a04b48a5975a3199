extension WelcomeRoutes: DescribedRoutes {
    var apiTag: String { "Workspace" }

    var operations: [APIOperation] {
        [
            .get(
                "/api/welcome", "Your workspace CLAUDE.md, from the admin's template or the default", .user,
                query: [
                    .query("server_url", "the server's address as your CLI uses it (default: this request's host)")
                ],
                responses: [.ok(.object(["content": .string])), .error(422, "server_url must be an http(s) URL")])
        ]
    }
}
