extension ScanRoutes: DescribedRoutes {
    var apiTag: String { "Data" }

    var operations: [APIOperation] {
        let body = APIBody.json(
            .object(
                [
                    "table_id": .string, "select": .array(.string), "where": .string, "limit": .integer,
                    "order_by": .array(.string),
                ], required: ["table_id"]))
        let errors = [
            APIResponse.error(400, "Bad select, where, order_by or limit"),
            .error(403, "not authorized for this table"),
            .error(404, "table not found"), .error(429, "quota_exceeded"),
        ]
        return [
            .post(
                "/api/v2/scan/estimate", "What a scan would read, without running it", .user, body: body,
                responses: [.ok(.object(["estimated_scan_bytes": .integer, "estimated_rows": .integer]))] + errors),
            .post(
                "/api/v2/scan", "Read a table's rows as an Arrow IPC stream", .user, body: body,
                responses: [.body(200, "application/vnd.apache.arrow.stream", "The rows")] + errors),
        ]
    }
}
