extension RegistryRoutes: DescribedRoutes {
    var apiTag: String { "Registry" }

    /// The registration fields (`name` required when registering).
    static var registrationSchema: JSONSchema {
        .object([
            "name": .string, "folder": .string, "description": .string,
            "source_type": .oneOf(RegistrationRules.sourceTypes), "bucket": .string, "source_table": .string,
            "source_query": .string, "query_mode": .oneOf(["local", "remote", "materialized"]),
            "sync_schedule": .string, "sync_strategy": .oneOf(["full_refresh", "incremental", "partitioned"]),
            "primary_key": .any, "partition_by": .string, "profile_after_sync": .boolean,
        ])
    }

    var operations: [APIOperation] {
        let invalid = APIResponse.error(422, "A field is invalid (the detail names it)")
        return [
            .get(
                "/api/admin/registry", "Every registered table with its last sync outcome", .admin,
                responses: [.ok(.object(["tables": .array(.any), "count": .integer]))]),
            .post(
                "/api/admin/register-table", "Register a table and ask for its first sync", .admin,
                body: .json(Self.registrationSchema),
                responses: [
                    .created(.object(["id": .string, "name": .string, "status": .string, "run_id": .string.orNull])),
                    .error(409, "Already registered"), invalid,
                ]),
            .post(
                "/api/admin/register-table/precheck", "Check a registration without writing it", .admin,
                body: .json(Self.registrationSchema),
                responses: [
                    .ok(.object(["ok": .boolean, "table": .any])), .error(409, "Already registered"), invalid,
                ]),
            .put(
                "/api/admin/registry/{id}", "Change a registration (fields given replace the stored ones)", .admin,
                body: .json(Self.registrationSchema),
                responses: [
                    .ok(.object(["id": .string, "updated": .array(.string), "run_id": .string.orNull])),
                    .error(404, "No such table"), .error(409, "Name taken"), invalid,
                ]),
            .delete(
                "/api/admin/registry/{id}",
                "Unregister a table: its files, view, sync state, history and grants go", .admin,
                responses: [.noContent, .error(404, "No such table")]),
        ]
    }
}
