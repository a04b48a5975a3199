extension SettingsRoutes: DescribedRoutes {
    var apiTag: String { "Sync settings" }

    var operations: [APIOperation] {
        [
            .get(
                "/api/settings", "Your sync preferences", .user,
                responses: [.ok(.object(["user_id": .string, "sync_settings": .array(.any)]))]),
            .put(
                "/api/settings/dataset", "Turn syncing of one dataset (table id) on or off", .user,
                body: .json(.object(["dataset": .string, "enabled": .boolean], required: ["dataset", "enabled"])),
                responses: [
                    .ok(.object(["dataset": .string, "enabled": .boolean])), .error(403, "No access to dataset"),
                ]),
        ]
    }
}
