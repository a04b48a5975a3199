extension HealthRoutes: DescribedRoutes {
    var apiTag: String { "Health" }

    var operations: [APIOperation] {
        [
            .get(
                "/api/health", "Whether the system store answers with the expected schema (always 200)", .anonymous,
                responses: [
                    .ok(
                        .object([
                            "status": .oneOf(["ok", "unhealthy"]), "db_schema": .string, "current": .integer.orNull,
                            "expected": .integer, "detail": .string,
                        ]))
                ]),
            .get(
                "/api/version", "The server's version and build metadata", .anonymous,
                responses: [
                    .ok(
                        .object([
                            "version": .string, "channel": .string.orNull, "image_tag": .string.orNull,
                            "commit_sha": .string.orNull, "schema_version": .integer, "deployed_at": .timestamp,
                        ]))
                ]),
        ]
    }
}
