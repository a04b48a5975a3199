import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesJobs
import AgnesStore
import Foundation
import Hummingbird
import Logging

/// `POST /api/sync/trigger` (admin, the scheduler's token included; REFERENCE §1.4): asks for a sync
/// run and answers at once `{status: "triggered", tables: [ids] | "all", message, run_id}`.
///
/// The body is optional: a JSON array of table ids (synced now, whatever their schedules), or `null`
/// for every due table. Unknown ids are refused (422) before anything runs. One run works at a time; a
/// trigger during a run joins the one queued behind it, so `run_id` may name a run others asked for
/// too. `GET /api/sync/runs/{run_id}` shows its progress and every table's outcome.
struct SyncTriggerRoutes {
    let services: AgnesServices

    struct Reply: Encodable {
        let status = "triggered"
        let tables: Tables
        let message = "Data sync started in background. Check /api/sync/runs/{run_id} for progress."
        let runID: String

        enum CodingKeys: String, CodingKey {
            case status, tables, message
            case runID = "run_id"
        }
    }

    /// `tables`: the requested ids, or the string `all`.
    enum Tables: Encodable {
        case all
        case some([String])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .all: try container.encode("all")
            case .some(let ids): try container.encode(ids)
            }
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.post("/api/sync/trigger") { request, context in
            try await trigger(request, context)
        }
    }

    func trigger(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.admin(request, context)
        let buffer = try await request.collectBody(upTo: 1 << 20)
        let tables = try Self.requestedTables(Data(buffer.readableBytesView))
        if let tables {
            let known = Set(try await DuckDBTableRegistryRepository(store: services.store).list(sourceType: nil).map(\.id))
            let unknown = tables.filter { !known.contains($0) }
            if !unknown.isEmpty {
                throw APIError(
                    .unprocessableContent, "tables: unknown table ids: \(unknown.sorted().joined(separator: ", "))")
            }
        }
        let run = try await services.pipeline.trigger(tables: tables, trigger: "api", requestedBy: caller.user.id)
        await services.auth.authenticator.record(
            "sync_triggered", userID: caller.user.id, resource: "sync",
            params: ["tables": tables.map { $0.joined(separator: ",") } ?? "all", "run_id": run.id])
        return JSONBody.response(object: Reply(tables: tables.map { .some($0) } ?? .all, runID: run.id))
    }

    /// Nil for an empty body or `null`; the ids of a JSON array of strings; 422 for anything else.
    static func requestedTables(_ body: Data) throws(APIError) -> [String]? {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text == "null" { return nil }
        guard let ids = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw APIError(.unprocessableContent, "the body must be a JSON array of table ids, or null")
        }
        return ids
    }
}
