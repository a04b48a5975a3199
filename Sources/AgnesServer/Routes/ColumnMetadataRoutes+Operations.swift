extension ColumnMetadataRoutes: DescribedRoutes {
    var apiTag: String { "Catalog" }

    var operations: [APIOperation] {
        let column: JSONSchema = .object(
            [
                "column_name": .string, "basetype": .string.orNull, "description": .string.orNull,
                "tags": .array(.string), "confidence": .string.orNull,
            ],
            required: ["column_name"])
        return [
            .get(
                "/api/admin/metadata/:table_id", "Column documentation of a table you may read", .user,
                responses: [
                    .ok(
                        .object([
                            "table_id": .string, "columns": .array(column),
                            "table": .object([
                                "fqn": .string.orNull, "description": .string.orNull, "tags": .array(.string),
                                "owners": .array(.string), "tier": .string.orNull, "source": .string,
                                "updated_at": .timestamp.orNull,
                            ]).orNull,
                        ])),
                    .error(403, "Access denied to table"), .error(404, "Table not found"),
                ]),
            .post(
                "/api/admin/metadata/:table_id", "Save column documentation", .admin,
                body: .json(.object(["columns": .array(column)], required: ["columns"])),
                responses: [.ok(.any), .error(404, "Table not found"), .error(422, "Bad body")]),
        ]
    }
}
