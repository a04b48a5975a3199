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
            .get(
                "/api/health/detailed", "Every service's state: store, data, users, sync runs, scheduler", .user,
                responses: [
                    .ok(
                        .object([
                            "status": .oneOf(["healthy", "degraded", "unhealthy"]), "version": .string,
                            "schema_version": .integer, "deployed_at": .timestamp, "timestamp": .timestamp,
                            "services": .map(.object(["status": .oneOf(["ok", "warning", "error"])])),
                        ]))
                ]),
        ]
    }
}
