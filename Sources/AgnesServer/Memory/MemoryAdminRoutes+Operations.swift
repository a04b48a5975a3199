extension MemoryAdminRoutes: DescribedRoutes {
    var apiTag: String { "Corporate memory" }

    var operations: [APIOperation] {
        let itemID = APIParameter.query("item_id", "the item", required: true)
        let notFound = APIResponse.error(404, "Knowledge item not found")
        let action: APIBody = .json(.object(["reason": .string, "audience": .string]), required: false)
        let status: JSONSchema = .object(["id": .string, "status": .string])
        let updated: JSONSchema = .object(["id": .string, "updated": .array(.string)])
        let paired: JSONSchema = .any
        var operations: [APIOperation] = [
            .post(
                "/api/memory/admin/approve", "Approve an item", .admin, query: [itemID],
                responses: [.ok(status), notFound]),
            .post(
                "/api/memory/admin/reject", "Reject an item", .admin, query: [itemID], body: action,
                responses: [.ok(status), notFound]),
            .post(
                "/api/memory/admin/mandate", "Make an item mandatory, optionally for one audience", .admin,
                query: [itemID], body: action, responses: [.ok(status), notFound]),
            .post(
                "/api/memory/admin/revoke", "Revoke an item", .admin, query: [itemID], body: action,
                responses: [.ok(status), notFound]),
            .post(
                "/api/memory/admin/edit", "Change an item's title or content", .admin, query: [itemID],
                body: .json(.object(["title": .string, "content": .string]), required: false),
                responses: [.ok(updated), notFound]),
            .post(
                "/api/memory/admin/batch", "Approve, reject, mandate or revoke many items", .admin,
                body: .json(
                    .object(
                        [
                            "item_ids": .array(.string), "action": .oneOf(["approve", "reject", "mandate", "revoke"]),
                            "reason": .string, "audience": .string,
                        ], required: ["item_ids", "action"])),
                responses: [
                    .ok(.object(["success": .array(.string), "not_found": .array(.string)])),
                    .error(400, "Unknown action"),
                ]),
            .get(
                "/api/memory/admin/pending", "The review queue", .admin,
                query: [
                    .query("category", "only this category"), .query("page", "1-based page", .integer),
                    .query("per_page", "items per page (50)", .integer),
                ],
                responses: [.ok(.object(["items": .array(MemoryRoutes.item), "count": .integer]))]),
            .get(
                "/api/memory/admin/audit", "Governance audit rows (corporate_memory.* and legacy km_*)", .admin,
                query: [
                    .query("action", "only this action, e.g. approve"), .query("page", "1-based page", .integer),
                    .query("per_page", "rows per page (50)", .integer),
                ],
                responses: [.ok(.object(["entries": .array(.map(.any)), "count": .integer]))]),
            .patch(
                "/api/memory/admin/:id", "Change an item's fields; an explicit null clears one", .admin,
                body: .json(
                    .object([
                        "title": .string, "content": .string.orNull, "category": .string.orNull,
                        "domain": .string.orNull, "tags": .array(.string).orNull, "audience": .string.orNull,
                    ])),
                responses: [.ok(updated), .error(400, "Null title or unknown domain"), notFound]),
            .post(
                "/api/memory/admin/bulk-update", "Change the same fields of many items", .admin,
                body: .json(
                    .object(["item_ids": .array(.string), "updates": .map(.any)], required: ["item_ids", "updates"])),
                responses: [
                    .ok(
                        .object([
                            "updated": .array(.string), "not_found": .array(.string), "errors": .map(.string),
                        ])),
                    .error(400, "A field outside the allowed ones, a null title or an unknown domain"),
                ]),
        ]
        operations += [
            .get(
                "/api/memory/admin/contradictions", "Contradictions with both items (personal ones hidden)", .admin,
                query: [
                    .query("resolved", "only resolved (true) or unresolved (false)", .boolean),
                    .query("exclude_personal", "false to show personal items in full (default true)", .boolean),
                ],
                responses: [.ok(.object(["contradictions": .array(paired), "count": .integer]))]),
            .post(
                "/api/memory/admin/contradictions", "Record a contradiction between two items", .admin,
                body: .json(
                    .object(
                        [
                            "item_a_id": .string, "item_b_id": .string, "explanation": .string, "severity": .string,
                            "suggested_resolution": .string,
                        ], required: ["item_a_id", "item_b_id", "explanation"])),
                responses: [.ok(.object(["id": .string])), .error(404, "Item A or B not found")]),
            .post(
                "/api/memory/admin/contradictions/:id/resolve", "Settle a contradiction", .admin,
                body: .json(
                    .object(
                        ["resolution": .oneOf(Self.contradictionResolutions)], required: ["resolution"])),
                responses: [
                    .ok(.object(["id": .string, "resolved": .boolean, "resolution": .string])),
                    .error(400, "Already resolved, or an unknown resolution"), .error(404, "Contradiction not found"),
                ]),
            .get(
                "/api/memory/admin/duplicate-candidates", "Likely duplicate pairs with both items", .admin,
                query: [
                    .query("resolved", "only resolved (true) or unresolved (false)", .boolean),
                    .query("exclude_personal", "false to show personal items in full (default true)", .boolean),
                    .query("limit", "at most this many (100)", .integer),
                ],
                responses: [.ok(.object(["relations": .array(paired), "count": .integer]))]),
            .post(
                "/api/memory/admin/duplicate-candidates/resolve", "Give a verdict on a duplicate pair", .admin,
                query: [
                    .query("item_a_id", "one item", required: true), .query("item_b_id", "the other", required: true),
                ],
                body: .json(.object(["resolution": .oneOf(Self.duplicateResolutions)], required: ["resolution"])),
                responses: [
                    .ok(
                        .object([
                            "item_a_id": .string, "item_b_id": .string, "resolved": .boolean, "resolution": .string,
                        ])),
                    .error(400, "Already resolved, or an unknown resolution"),
                    .error(404, "Duplicate-candidate relation not found"),
                ]),
        ]
        return operations
    }
}
