extension SyncSettingsRoutes: DescribedRoutes {
    var apiTag: String { "Sync settings" }

    var operations: [APIOperation] {
        [
            .get(
                "/api/sync/settings", "Your per-dataset sync settings", .user,
                responses: [
                    .ok(.object(["user_id": .string, "settings": .array(.any), "enabled_datasets": .array(.string)]))
                ]),
            .post(
                "/api/sync/settings", "Turn datasets on or off", .user,
                body: .json(.object(["datasets": .map(.boolean)], required: ["datasets"])),
                responses: [.ok(.object(["updated": .map(.any)]))]),
            .get(
                "/api/sync/table-subscriptions", "Your table subscriptions", .user,
                responses: [.ok(.object(["user_id": .string, "subscriptions": .array(.any)]))]),
            .post(
                "/api/sync/table-subscriptions", "Subscribe to or unsubscribe from tables", .user,
                body: .json(.object(["table_mode": .string, "tables": .map(.boolean)])),
                responses: [.ok(.object(["table_mode": .string, "updated": .integer]))]),
        ]
    }
}
