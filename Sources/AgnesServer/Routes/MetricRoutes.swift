import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird

/// Metric definitions (REFERENCE §1.7): any signed-in user lists and reads them, admins create,
/// replace, delete and import them from YAML. Every admin change is audited.
///
/// Metric ids are `<category>/<name>`, so the id routes take the rest of the path, percent-decoded:
/// `GET /api/metrics/revenue/mrr`. The deprecated `GET /api/catalog/metrics/<path>` answers 301 to
/// `/api/metrics/<path without a trailing .yml>`.
struct MetricRoutes {
    let services: AgnesServices

    /// The largest YAML file `import` accepts.
    static let maximumImportBytes = 5 * 1024 * 1024

    var metrics: DuckDBMetricDefinitionRepository { DuckDBMetricDefinitionRepository(store: services.store) }

    struct MetricList: Encodable {
        let metrics: [MetricView]
        let count: Int
    }

    struct Deleted: Encodable {
        var status = "deleted"
        let id: String
    }

    struct Imported: Encodable {
        var status = "imported"
        let count: Int
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/metrics") { request, context in
            _ = try await services.caller(request, context)
            let category = request.uri.queryParameters.get("category")
            let rows = try await metrics.list(category: category)
            return JSONBody.response(object: MetricList(metrics: rows.map(MetricView.init), count: rows.count))
        }
        router.get("/api/metrics/**") { request, context in
            _ = try await services.caller(request, context)
            let id = Self.metricID(context)
            guard let metric = try await metrics.find(id: id) else { throw Self.notFound(id) }
            return JSONBody.response(object: MetricView(metric: metric))
        }
        router.get("/api/catalog/metrics/**") { request, context in
            _ = try await services.caller(request, context)
            var path = context.parameters.getCatchAll().joined(separator: "/")
            if path.hasSuffix(".yml") { path.removeLast(".yml".count) }
            return Response(status: .movedPermanently, headers: [.location: "/api/metrics/\(path)"])
        }
        router.post("/api/admin/metrics") { request, context in
            let actor = try await services.admin(request, context)
            var metric = try await request.decodeJSON(MetricCreateRequest.self, context: context).metric
            // A metric saved here is written by hand, even one read back from the catalog export and
            // sent again: marking it manual keeps the next export from overwriting the edit.
            if metric.source == MetadataSource.openMetadata { metric.source = MetadataSource.manual }
            try Self.validate(metric)
            let stored = try await metrics.upsert(metric)
            await services.auth.authenticator.record(
                "metric.upsert", userID: actor.user.id, resource: "metric:\(stored.id)",
                params: ["name": stored.name, "category": stored.category, "source": stored.source])
            return JSONBody.response(status: .created, object: MetricView(metric: stored))
        }
        router.delete("/api/admin/metrics/**") { request, context in
            let actor = try await services.admin(request, context)
            let id = Self.metricID(context)
            guard try await metrics.delete(id: id) else { throw Self.notFound(id) }
            await services.auth.authenticator.record(
                "metric.delete", userID: actor.user.id, resource: "metric:\(id)", params: [:])
            return JSONBody.response(object: Deleted(id: id))
        }
        router.post("/api/admin/metrics/import") { request, context in
            let actor = try await services.admin(request, context)
            let (filename, bytes) = try await Self.uploadedFile(request)
            guard let text = String(validating: bytes.readableBytesView, as: UTF8.self) else {
                throw APIError(.badRequest, "Invalid YAML: the file is not UTF-8 text")
            }
            let imported = try MetricImport.metrics(fromYAML: text)
            for metric in imported { try await metrics.upsert(metric) }
            await services.auth.authenticator.record(
                "metric.import", userID: actor.user.id, resource: "metric:\(filename ?? "(unnamed)")",
                params: ["count": String(imported.count), "size_bytes": String(bytes.readableBytes)])
            return JSONBody.response(object: Imported(count: imported.count))
        }
    }

    /// The metric id in the rest of the path, percent-decoded.
    static func metricID(_ context: AgnesRequestContext) -> String {
        let raw = context.parameters.getCatchAll().joined(separator: "/")
        return raw.removingPercentEncoding ?? raw
    }

    /// 404 with the original's detail.
    static func notFound(_ id: String) -> APIError {
        APIError(.notFound, "Metric '\(id)' not found")
    }

    /// Refuses a metric the id routes could never reach: an empty id, name or category, or an id with an
    /// empty path segment (`revenue//mrr`, `/mrr`).
    static func validate(_ metric: MetricDefinition) throws(APIError) {
        for (field, value) in [("id", metric.id), ("name", metric.name), ("category", metric.category)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw APIError(.unprocessableContent, "\(field) must not be empty")
        }
        guard !metric.id.split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            throw APIError(.unprocessableContent, "id must not contain empty path segments")
        }
    }

    /// The form's `file` part: its name as sent and its bytes (413 past ``maximumImportBytes``).
    static func uploadedFile(_ request: Request) async throws -> (filename: String?, bytes: ByteBuffer) {
        let tooLarge = APIError(.contentTooLarge, "File too large (max \(maximumImportBytes / 1024 / 1024)MB)")
        var form = try MultipartFormReader(
            request, field: "file", maximumBodyBytes: maximumImportBytes + MultipartFormReader.overheadBytes,
            tooLarge: tooLarge)
        while let part = try await form.nextPart() {
            guard part.name == "file" else { continue }
            return (part.filename, try await form.collectPart(upTo: maximumImportBytes))
        }
        throw MultipartFormReader.missingField("file")
    }
}
