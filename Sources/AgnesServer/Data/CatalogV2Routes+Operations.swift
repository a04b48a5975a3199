extension CatalogV2Routes: DescribedRoutes {
    var apiTag: String { "Catalog" }

    var operations: [APIOperation] {
        let denied = APIResponse.error(403, "No access to the table")
        let notFound = APIResponse.error(404, "Table not found, or remote without a local file")
        return [
            .get(
                "/api/v2/catalog", "The tables you may read, for agents", .user,
                responses: [.ok(.object(["tables": .array(.any), "server_time": .timestamp]))]),
            .get(
                "/api/v2/schema/:table_id", "A table's columns and types", .user,
                responses: [.ok(.object(["table_id": .string, "columns": .array(.any)])), denied, notFound]),
            .get(
                "/api/v2/sample/:table_id", "The first rows of a table", .user,
                query: [.query("n", "how many rows (default 5)", .integer)],
                responses: [
                    .ok(.object(["table_id": .string, "columns": .array(.string), "rows": .array(.any)])), denied,
                    notFound,
                ]),
        ]
    }
}
