extension CatalogRoutes: DescribedRoutes {
    var apiTag: String { "Catalog" }

    var operations: [APIOperation] {
        let denied = APIResponse.error(403, "No access to the table")
        return [
            .get(
                "/api/catalog/tables", "The tables you may read, with descriptions and sync state", .user,
                responses: [.ok(.object(["tables": .array(.any), "count": .integer]))]),
            .get(
                "/api/catalog/profile/:table", "A table's profile (columns, statistics)", .user,
                responses: [.ok(.any), denied, .error(404, "No profile yet")]),
            .post(
                "/api/catalog/profile/:table/refresh", "Profile a table again now", .admin,
                responses: [.ok(.any), .error(404, "Table not found")]),
        ]
    }
}
