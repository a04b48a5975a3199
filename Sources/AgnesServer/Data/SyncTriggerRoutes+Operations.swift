extension SyncTriggerRoutes: DescribedRoutes {
    var apiTag: String { "Sync" }

    var operations: [APIOperation] {
        [
            .post(
                "/api/sync/trigger", "Start a sync in the background", .admin,
                body: .json(.array(.string).orNull, required: false),
                responses: [
                    .ok(.object(["status": .string, "tables": .any, "message": .string])),
                    .error(422, "Not an array of table ids"),
                ])
        ]
    }
}
