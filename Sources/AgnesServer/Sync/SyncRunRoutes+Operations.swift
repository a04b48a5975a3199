extension SyncRunRoutes: DescribedRoutes {
    var apiTag: String { "Sync" }

    var operations: [APIOperation] {
        let run: [String: JSONSchema] = [
            "id": .string, "trigger": .string,
            "status": .oneOf(["queued", "running", "succeeded", "partial", "failed", "interrupted"]),
            "error": .string.orNull, "generation": .integer.orNull, "requested_by": .string.orNull,
            "requested_tables": .array(.string).orNull, "queued_at": .timestamp, "started_at": .timestamp.orNull,
            "finished_at": .timestamp.orNull,
        ]
        var detailed = run
        detailed["counts"] = .object([
            "synced": .integer, "unchanged": .integer, "skipped": .integer, "failed": .integer,
        ])
        detailed["tables"] = .array(
            .object([
                "table_id": .string, "source": .string, "outcome": .oneOf(["synced", "unchanged", "skipped", "failed"]),
                "reason": .string.orNull, "summary": .string, "rows": .integer.orNull, "duration_ms": .integer.orNull,
            ]))
        return [
            .get(
                "/api/sync/runs", "The latest sync runs, newest first", .admin,
                query: [.query("limit", "how many (1-200, default 20)", .integer)],
                responses: [.ok(.object(["runs": .array(.object(run)), "count": .integer])), .error(422, "Bad limit")]),
            .get(
                "/api/sync/runs/{id}", "One sync run with every table's outcome", .admin,
                responses: [.ok(.object(detailed)), .error(404, "No such run")]),
        ]
    }
}
