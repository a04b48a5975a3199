extension DiscoveryRoutes: DescribedRoutes {
    var apiTag: String { "Registry" }

    var operations: [APIOperation] {
        let source = APIParameter.query("source_type", "the source (default: the primary data source)")
        return [
            .get(
                "/api/admin/discover-tables", "What a source offers, and whether each is registered", .admin,
                query: [source],
                responses: [
                    .ok(
                        .object([
                            "tables": .array(.any), "count": .integer, "source": .string, "error": .string.orNull,
                        ])), .error(422, "Unknown source type"),
                ]),
            .post(
                "/api/admin/discover-and-register", "Register everything a source offers that is not registered yet",
                .admin,
                body: .json(.object(["source_type": .string, "dry_run": .boolean]), required: false),
                responses: [
                    .ok(
                        .object([
                            "registered": .integer, "skipped": .integer, "errors": .array(.string),
                            "tables": .array(.string), "source": .string, "dry_run": .boolean,
                            "run_id": .string.orNull,
                        ])), .error(422, "Unknown source type, or no connector for it"),
                ]),
        ]
    }
}
