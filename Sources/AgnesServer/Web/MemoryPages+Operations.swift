extension MemoryPages: DescribedRoutes {
    var apiTag: String { "Web pages" }

    var operations: [APIOperation] {
        [
            .get(
                "/corporate-memory",
                "Corporate memory: approved and mandatory knowledge with votes, your contributions, a form to contribute",
                .user,
                query: [
                    .query("q", "only items whose title or text contains this"), .query("domain", "only this domain"),
                    .query("category", "only this category"), .query("status", "approved or mandatory only"),
                    .query("page", "page of the knowledge list", .integer),
                    .query("mine_page", "page of your contributions", .integer),
                ],
                responses: [.html("The page"), APIResponse.signInRedirect]),
            .get(
                "/corporate-memory/admin",
                "Corporate-memory review: the queue, status counts, contradictions, duplicate candidates, the audit trail",
                .admin,
                query: [
                    .query("page", "page of the review queue", .integer),
                    .query("contradictions_page", "page of the contradictions", .integer),
                    .query("duplicates_page", "page of the duplicate candidates", .integer),
                    .query("audit_page", "page of the audit trail", .integer),
                ],
                responses: [
                    .html("The page"), APIResponse.adminPage[0], APIResponse.signInRedirect,
                ]),
        ]
    }
}
