extension MetricRoutes: DescribedRoutes {
    var apiTag: String { "Metrics" }

    var operations: [APIOperation] {
        let metric: JSONSchema = .object([
            "id": .string, "name": .string, "display_name": .string, "category": .string, "description": .string.orNull,
            "sql": .string, "type": .string.orNull, "unit": .string.orNull, "grain": .string.orNull,
            "table_name": .string.orNull, "tables": .array(.string), "dimensions": .array(.any), "source": .string,
        ])
        let notFound = APIResponse.error(404, "Metric not found")
        return [
            .get(
                "/api/metrics", "Shared metric definitions", .user,
                query: [.query("category", "only this category")],
                responses: [.ok(.object(["metrics": .array(metric), "count": .integer]))]),
            .get(
                "/api/metrics/**", "One metric by id (`category/name`)", .user, responses: [.ok(metric), notFound]),
            .get(
                "/api/catalog/metrics/**", "Old address of a metric", .user,
                responses: [.redirect("To /api/metrics/<id>", status: 301)]),
            .post(
                "/api/admin/metrics", "Create or replace a metric definition", .admin,
                body: .json(metric), responses: [.created(metric), .error(400, "Invalid definition")]),
            .delete(
                "/api/admin/metrics/**", "Delete a metric definition", .admin,
                responses: [.ok(.object(["status": .string, "id": .string])), notFound]),
            .post(
                "/api/admin/metrics/import", "Import metric definitions from a YAML file", .admin,
                body: .multipart(["file": .string], required: ["file"]),
                responses: [.ok(.object(["status": .string, "count": .integer])), .error(400, "Invalid YAML")]),
        ]
    }
}
