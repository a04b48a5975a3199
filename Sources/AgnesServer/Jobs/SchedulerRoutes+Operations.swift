extension SchedulerRoutes: DescribedRoutes {
    var apiTag: String { "Scheduler" }

    var operations: [APIOperation] {
        [
            .get(
                "/api/admin/scheduler/jobs", "The scheduler's jobs: schedule, state, next and last run", .admin,
                responses: [
                    .ok(
                        .object([
                            "driver": .oneOf(["this process", "another process", "external"]),
                            "server_time": .timestamp,
                            "jobs": .array(
                                .object([
                                    "name": .string, "schedule": .string,
                                    "state": .oneOf(["ready", "disabled", "not built", "not configured"]),
                                    "detail": .string.orNull, "running": .boolean, "due": .boolean,
                                    "next_run_at": .timestamp.orNull, "last_run_at": .timestamp.orNull,
                                    "last_status": .string.orNull, "last_detail": .string.orNull,
                                    "last_duration_ms": .integer.orNull,
                                ])),
                        ]))
                ]),
            .post(
                "/api/admin/scheduler/jobs/{name}/run", "Run a job now, whatever its schedule", .admin,
                responses: [
                    APIResponse(
                        status: 202, description: "Started",
                        content: ("application/json", .object(["name": .string, "status": .string]))),
                    .error(404, "Unknown job"), .error(409, "Already running, or it cannot run on this server"),
                ]),
        ]
    }
}
