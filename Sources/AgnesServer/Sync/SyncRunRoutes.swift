import AgnesAuth
import AgnesCore
import AgnesJobs
import AgnesStore
import Foundation
import Hummingbird

/// Sync runs (admin): `GET /api/sync/runs?limit=N` (newest first, summaries) and
/// `GET /api/sync/runs/{id}` (one run with every table's outcome: `synced`, `unchanged`,
/// `skipped: not due`, `failed: <cause>`).
struct SyncRunRoutes {
    let services: AgnesServices

    struct List: Encodable {
        let runs: [SyncRunView]
        let count: Int
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/sync/runs") { request, context in
            _ = try await services.admin(request, context)
            let limit = try Self.limit(request)
            let runs = try await SyncRunRepository(store: services.store).recent(limit: limit)
            return JSONBody.response(object: List(runs: runs.map { SyncRunView($0, outcomes: nil) }, count: runs.count))
        }
        router.get("/api/sync/runs/{id}") { request, context in
            _ = try await services.admin(request, context)
            let id = context.parameters.get("id") ?? ""
            let repository = SyncRunRepository(store: services.store)
            guard let run = try await repository.find(id: id) else {
                throw APIError.notFound("Sync run not found: \(id)")
            }
            return JSONBody.response(object: SyncRunView(run, outcomes: try await repository.outcomes(runID: id)))
        }
    }

    /// `limit`: 1…200, default 20.
    static func limit(_ request: Request) throws(APIError) -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return 20 }
        guard let limit = Int(text), (1...200).contains(limit) else {
            throw APIError(.unprocessableContent, "limit: must be a whole number from 1 to 200")
        }
        return limit
    }
}
