extension DataRoutes: DescribedRoutes {
    var apiTag: String { "Data" }

    var operations: [APIOperation] {
        let download = [
            APIResponse.body(200, "application/vnd.apache.parquet", "The table's parquet file (ETag = manifest hash)"),
            .body(206, "application/vnd.apache.parquet", "A byte range of it"),
            .redirect("Not modified (If-None-Match)", status: 304),
            .error(403, "No access to the table"), .error(404, "Table not found"),
        ]
        return [
            .get(
                "/api/sync/manifest", "The tables you may read, with content hashes, and the shared assets", .user,
                responses: [
                    .ok(
                        .object([
                            "tables": .map(
                                .object([
                                    "hash": .string, "updated": .timestamp.orNull, "size_bytes": .integer,
                                    "rows": .integer, "query_mode": .string, "source_type": .string,
                                ])),
                            "assets": .map(.object(["hash": .string])), "server_time": .timestamp,
                        ]))
                ]),
            .get("/api/data/:table_id/download", "Download a table's parquet file", .user, responses: download),
            .head("/api/data/:table_id/download", "A table download's headers only", .user, responses: download),
        ]
    }
}
