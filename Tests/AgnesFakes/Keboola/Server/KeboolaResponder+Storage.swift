import Foundation
import Hummingbird
import Synchronization

extension KeboolaResponder {
    /// A Storage API request: token check (every route but the index), then the route's handler.
    func storage(_ route: KeboolaRoute, _ request: IncomingRequest, failure: FakeKeboolaFailure?) -> Response {
        if case .notFound = route { return KeboolaJSON.error(.notFound("Route not found", code: "notFound")) }
        do {
            if route != .index {
                // Header names are case-insensitive; the handler sees them lowercased.
                let given = request.header("x-storageapi-token")
                guard given != nil, given == store.state.withLock({ $0.token }) else {
                    throw KeboolaAPIError.invalidToken
                }
            }
            switch route {
            case .index: return index()
            case .verifyToken: return verifyToken()
            case .buckets: return buckets(request)
            case .bucket(let id): return try bucket(id, request)
            case .bucketTables(let id): return try tables(request, inBucket: id)
            case .tables: return try tables(request, inBucket: nil)
            case .table(let id): return try table(id)
            case .exportTable(let id): return try exportTable(id, request, failure: failure)
            case .job(let id): return try job(id, failure: failure)
            case .file(let id): return try file(id, request)
            case .devBranches: return devBranches()
            case .workspaces: return workspaces()
            case .createWorkspace: return try createWorkspace(request)
            case .workspace(let id): return try workspace(id)
            case .deleteWorkspace(let id): return try deleteWorkspace(id)
            default: throw KeboolaAPIError.notFound("Route not found", code: "notFound")
            }
        } catch let error as KeboolaAPIError {
            return KeboolaJSON.error(error)
        } catch {
            return KeboolaJSON.error(KeboolaAPIError(status: 500, code: "APPLICATION_ERROR", message: "\(error)"))
        }
    }

    private func index() -> Response {
        let (base, hasQueryService) = store.state.withLock { ($0.baseURL, $0.hasQueryService) }
        var services = [["id": "import", "url": base + "/import"]]
        if hasQueryService { services.append(["id": "query", "url": base + "/query-service"]) }
        return KeboolaJSON.response([
            "api": "storage", "version": "v2", "documentation": "https://keboola.docs.apiary.io/", "services": services,
        ])
    }

    private func verifyToken() -> Response {
        let (token, provider, buckets, base) = store.state.withLock { state in
            (state.token, state.provider, Set(state.tables.values.map(\.bucketID)).sorted(), state.baseURL)
        }
        return KeboolaJSON.response(
            KeboolaJSON.verification(token: token, provider: provider, bucketIDs: buckets, base: base))
    }

    private func buckets(_ request: IncomingRequest) -> Response {
        let (tables, base) = store.state.withLock { ($0.tables, $0.baseURL) }
        let include = request.include(default: [])
        let grouped = Dictionary(grouping: tables.values, by: \.bucketID)
        return KeboolaJSON.response(
            grouped.keys.sorted().map { KeboolaJSON.bucket(id: $0, tables: grouped[$0]!, include: include, base: base) }
        )
    }

    private func bucket(_ id: String, _ request: IncomingRequest) throws(KeboolaAPIError) -> Response {
        let (tables, base) = store.state.withLock { ($0.tables.values.filter { $0.bucketID == id }, $0.baseURL) }
        guard !tables.isEmpty else { throw .notFound("Bucket \(id) not found", code: "storage.buckets.notFound") }
        return KeboolaJSON.response(
            KeboolaJSON.bucket(id: id, tables: tables, include: request.include(default: []), base: base))
    }

    /// `GET /tables` and `GET /buckets/{id}/tables`: no pagination; `include` defaults to `metadata`.
    private func tables(_ request: IncomingRequest, inBucket bucketID: String?) throws(KeboolaAPIError) -> Response {
        let (all, base) = store.state.withLock { ($0.tables, $0.baseURL) }
        let include = request.include(default: ["metadata"])
        let buckets = Dictionary(grouping: all.values, by: \.bucketID)
        if let bucketID, buckets[bucketID] == nil {
            throw .notFound("Bucket \(bucketID) not found", code: "storage.buckets.notFound")
        }
        let listed = all.values.filter { bucketID == nil || $0.bucketID == bucketID }.sorted { $0.id < $1.id }
        return KeboolaJSON.response(
            listed.map { table in
                let bucket = KeboolaJSON.bucket(
                    id: table.bucketID, tables: buckets[table.bucketID]!, include: [], base: base)
                return KeboolaJSON.table(table, include: include, isDetail: false, bucket: bucket, base: base)
            })
    }

    private func table(_ id: String) throws(KeboolaAPIError) -> Response {
        let (table, siblings, base) = store.state.withLock { state in
            let table = state.tables[id]
            return (table, state.tables.values.filter { $0.bucketID == table?.bucketID }, state.baseURL)
        }
        guard let table else { throw Self.tableNotFound(id) }
        let bucket = KeboolaJSON.bucket(id: table.bucketID, tables: siblings, include: [], base: base)
        return KeboolaJSON.response(KeboolaJSON.table(table, include: [], isDetail: true, bucket: bucket, base: base))
    }

    static func tableNotFound(_ id: String) -> KeboolaAPIError {
        let parts = id.split(separator: ".")
        let bucket = parts.prefix(2).joined(separator: ".")
        let name = parts.dropFirst(2).joined(separator: ".")
        return .notFound(
            "The table \"\(name)\" was not found in the bucket \"\(bucket)\" in the project \"578\"",
            code: "storage.tables.notFound")
    }
}
