extension SyncTriggerRoutes: DescribedRoutes {
    var apiTag: String { "Sync" }

    var operations: [APIOperation] {
        [
            .post(
                "/api/sync/trigger", "Ask for a sync run (the named tables, or every due table); answers at once", .admin,
                body: .json(.array(.string).orNull, required: false),
                responses: [
                    .ok(.object(["status": .string, "tables": .any, "message": .string, "run_id": .string])),
                    .error(422, "Not an array of table ids, or unknown ids"),
                ])
        ]
    }
}
