extension TableUploadRoutes: DescribedRoutes {
    var apiTag: String { "Data" }

    var operations: [APIOperation] {
        let uploaded: JSONSchema = .object([
            "table_id": .string, "rows": .integer, "hash": .string, "size_bytes": .integer, "file": .string,
            "created": .boolean,
        ])
        return [
            .post(
                "/api/upload/table", "Make a CSV or Parquet file a table of the local source", .admin,
                body: .multipart(["file": .string, "table_name": .string], required: ["file"]),
                responses: [
                    .created(uploaded, "A new table"), .ok(uploaded, "A table replaced"),
                    .error(400, "Not multipart, no file, bad extension, bad table name or unreadable content"),
                    .error(409, "The id belongs to a table of another source"), .error(413, "File too large"),
                ])
        ]
    }
}
