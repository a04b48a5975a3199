extension TablePages: DescribedRoutes {
    var apiTag: String { "Web pages" }

    var operations: [APIOperation] {
        [
            .get(
                "/admin/tables", "Every registered table with its last sync; Edit, Sync now, Delete", .admin,
                query: [
                    .query("q", "only tables whose id, name, source, bucket or description contains this"),
                    .query("page", "the page, from 1", .integer),
                ],
                responses: [.html("The page")] + APIResponse.adminPage),
            .get(
                "/admin/tables/new", "Register a table: the form of one source type, its precheck and pickers",
                .admin, query: [.query("source", "the source type: local, keboola, bigquery or jira")],
                responses: [.html("The page"), .html("No such source type", status: 404)] + APIResponse.adminPage),
            .get(
                "/admin/tables/{id}", "Edit a registration; the table's recent sync outcomes", .admin,
                responses: [.html("The page"), .html("No such table", status: 404)] + APIResponse.adminPage),
        ]
    }
}

extension SyncRunPages: DescribedRoutes {
    var apiTag: String { "Web pages" }

    var operations: [APIOperation] {
        [
            .get(
                "/admin/sync-runs", "The recent sync runs with the tables each took up", .admin,
                query: [.query("page", "the page, from 1", .integer)],
                responses: [.html("The page")] + APIResponse.adminPage),
            .get(
                "/admin/sync-runs/{id}", "One sync run with every table's outcome", .admin,
                query: [.query("page", "the page of outcomes, from 1", .integer)],
                responses: [.html("The page"), .html("No such run", status: 404)] + APIResponse.adminPage),
        ]
    }
}

extension SchedulerPage: DescribedRoutes {
    var apiTag: String { "Web pages" }

    var operations: [APIOperation] {
        [
            .get(
                "/admin/scheduler", "The scheduler's jobs: next run, last outcome, run now", .admin,
                responses: [.html("The page")] + APIResponse.adminPage)
        ]
    }
}
