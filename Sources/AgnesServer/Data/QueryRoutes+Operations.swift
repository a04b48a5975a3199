extension QueryRoutes: DescribedRoutes {
    var apiTag: String { "Data" }

    var operations: [APIOperation] {
        [
            .post(
                "/api/query", "Run one SELECT over the tables you may read", .user,
                body: .json(.object(["sql": .string, "limit": .integer], required: ["sql"])),
                responses: [
                    .ok(
                        .object([
                            "columns": .array(.string), "column_types": .array(.string), "rows": .array(.array(.any)),
                            "row_count": .integer, "truncated": .boolean,
                        ])),
                    .error(400, "Not a single SELECT, a query error, or limit out of range"),
                    .error(408, "Past the time limit"), .error(429, "Scan quota or concurrency limit reached"),
                ])
        ]
    }
}
