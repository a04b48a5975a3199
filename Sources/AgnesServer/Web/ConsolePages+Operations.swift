extension ConsolePages: DescribedRoutes {
    var apiTag: String { "Web pages" }

    var operations: [APIOperation] {
        [
            .get(
                "/query", "The query console (runs SQL through POST /api/query)", .user,
                query: [
                    .query("table", "start with a look at this table"), .query("sql", "start with this SQL"),
                ],
                responses: [.html("The page"), APIResponse.signInRedirect]),
            .get(
                "/admin", "The index of the admin pages", .admin,
                responses: [
                    .html("The page"), APIResponse.adminPage[0], APIResponse.signInRedirect,
                ]),
        ]
    }
}
