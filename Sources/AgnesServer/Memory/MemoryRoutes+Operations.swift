import AgnesCore

extension MemoryRoutes: DescribedRoutes {
    var apiTag: String { "Corporate memory" }

    /// A knowledge item on the wire.
    static let item: JSONSchema = .object([
        "id": .string, "title": .string, "content": .string.orNull, "category": .string.orNull,
        "tags": .array(.string), "status": .oneOf(KnowledgeStatus.allCases.map(\.rawValue)),
        "contributors": .array(.string),
        "source_user": .string.orNull, "audience": .string.orNull, "confidence": .number.orNull,
        "domain": .string.orNull, "entities": .array(.string), "source_type": .string.orNull,
        "source_ref": .string.orNull, "valid_from": .timestamp.orNull, "valid_until": .timestamp.orNull,
        "supersedes": .string.orNull, "sensitivity": .string.orNull, "is_personal": .boolean,
        "created_at": .timestamp.orNull, "updated_at": .timestamp.orNull,
    ])

    var operations: [APIOperation] {
        let notFound = APIResponse.error(404, "No such item, or the caller may not see it")
        return [
            .get(
                "/api/memory", "Knowledge items the caller may see, newest first, with vote counts", .user,
                query: [
                    .query("status_filter", "only this status"), .query("category", "only this category"),
                    .query("domain", "only this domain"), .query("source_type", "only this source type"),
                    .query("search", "text in the title or content"),
                    .query("exclude_personal", "admins only: false to include personal items", .boolean),
                    .query("page", "1-based page", .integer), .query("per_page", "items per page (50)", .integer),
                    .query("sort", "ignored: always updated_at"),
                ],
                responses: [
                    .ok(
                        .object([
                            "items": .array(Self.item), "count": .integer, "page": .integer, "per_page": .integer,
                            "total_count": .integer, "total_pages": .integer,
                        ]))
                ]),
            .get(
                "/api/memory/stats", "Counts of the items the caller may see", .user,
                responses: [
                    .ok(
                        .object([
                            "total": .integer, "by_status": .map(.integer), "categories": .array(.string),
                            "by_domain": .map(.integer), "by_source_type": .map(.integer), "by_tag": .map(.integer),
                            "by_audience": .map(.integer),
                        ]))
                ]),
            .post(
                "/api/memory", "Contribute a knowledge item (pending review)", .user,
                body: .json(
                    .object(
                        [
                            "title": .string, "content": .string, "category": .string, "tags": .array(.string),
                            "domain": .string, "entities": .array(.string), "source_type": .string,
                        ], required: ["title", "content", "category"])),
                responses: [
                    .created(.object(["id": .string, "status": .string])), .error(400, "Unknown domain"),
                ]),
            .post(
                "/api/memory/:id/vote", "Vote on an item: 1, -1, or 0 to retract", .user,
                body: .json(.object(["vote": .integer], required: ["vote"])),
                responses: [
                    .ok(.object(["upvotes": .integer, "downvotes": .integer])), .error(400, "Vote not 1, -1 or 0"),
                    notFound,
                ]),
            .get(
                "/api/memory/my-votes", "The caller's votes, by item id", .user, responses: [.ok(.map(.integer))]),
            .get(
                "/api/memory/my-contributions", "Items the caller contributed, personal ones included", .user,
                responses: [.ok(.object(["items": .array(Self.item), "count": .integer]))]),
            .post(
                "/api/memory/:id/personal", "Flag or unflag one's own item as personal", .user,
                body: .json(.object(["is_personal": .boolean], required: ["is_personal"])),
                responses: [
                    .ok(.object(["id": .string, "is_personal": .boolean])),
                    .error(403, "Only the contributor can flag personal items"), notFound,
                ]),
            .get(
                "/api/memory/:id/provenance", "Where an item came from", .user,
                responses: [
                    .ok(
                        .object([
                            "id": .string, "source_type": .string.orNull, "source_ref": .string.orNull,
                            "source_user": .string.orNull, "confidence": .number.orNull, "domain": .string.orNull,
                            "entities": .array(.string), "valid_from": .timestamp.orNull,
                            "valid_until": .timestamp.orNull, "supersedes": .string.orNull,
                            "created_at": .timestamp.orNull,
                        ])),
                    notFound,
                ]),
            .get(
                "/api/memory/tree", "Visible items grouped by domain, category, tag or audience; paged over groups",
                .user,
                query: [
                    .query("axis", "domain (default), category, tag or audience"),
                    .query("status_filter", "only this status"), .query("source_type", "only this source type"),
                    .query("audience", "only this audience (unset counts as all)"),
                    .query("q", "text in the title or content"),
                    .query("has_duplicate", "only items in an unresolved duplicate pair", .boolean),
                    .query("exclude_personal", "admins only: false to include personal items", .boolean),
                    .query("page", "1-based page of groups", .integer),
                    .query("per_page", "groups per page (50, at most 500)", .integer),
                ],
                responses: [
                    .ok(
                        .object([
                            "axis": .string,
                            "groups": .array(
                                .object([
                                    "key": .string, "label": .string, "count": .integer, "items": .array(Self.item),
                                ])),
                            "page": .integer, "per_page": .integer, "total_groups": .integer, "total_items": .integer,
                        ])),
                    .error(400, "Unknown axis"),
                ]),
            .get(
                "/api/memory/bundle",
                "The knowledge for the caller's agent: mandatory items, then ranked approved items within 6000 tokens",
                .user,
                responses: [
                    .ok(
                        .object([
                            "mandatory": .array(Self.item), "approved": .array(Self.item), "token_estimate": .integer,
                            "token_budget": .integer,
                        ]))
                ]),
        ]
    }
}
