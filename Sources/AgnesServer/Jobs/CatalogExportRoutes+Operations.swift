extension CatalogExportRoutes: DescribedRoutes {
    var apiTag: String { "Scheduler" }

    var operations: [APIOperation] {
        let details: JSONSchema = .object([
            "tables": .integer, "columns": .integer, "metrics": .integer, "skipped": .integer,
            "skipped_tables": .array(.string), "kept_manual": .integer, "removed": .integer,
            "errors": .array(.string),
        ])
        return [
            .post(
                "/api/admin/run-catalog-export",
                "Run the OpenMetadata catalog export now and wait for it: table and column docs and metrics", .admin,
                responses: [
                    .ok(.object(["ok": .boolean, "details": details])),
                    APIResponse(
                        status: 502, description: "OpenMetadata refused the token or could not be reached",
                        content: ("application/json", .object(["ok": .boolean, "detail": .string, "details": details]))),
                    .error(409, "OpenMetadata is not configured, the job is disabled, or it is already running"),
                ])
        ]
    }
}
