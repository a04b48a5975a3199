import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
import Foundation
import Hummingbird
import Logging

/// `POST /api/sync/trigger` (admin, the scheduler's token included; REFERENCE §1.4): starts a sync in
/// the background and answers at once `{status: "triggered", tables: [ids] | "all", message}`.
///
/// The body is optional: a JSON array of table ids, or `null`. The sync reads the local source
/// (`DATA_DIR/sources/local`, one sync at a time with uploads), registers tables it finds for the first
/// time and rebuilds the analytics database; unchanged files cost only a stat. The local source always
/// syncs as a whole (a file that did not change is skipped by its content hash), so a list of ids is
/// echoed but does not narrow the work. Failures are logged; `/api/health` and the sync state show the
/// outcome.
struct SyncTriggerRoutes {
    let services: AgnesServices

    struct Reply: Encodable {
        let status = "triggered"
        let tables: Tables
        let message = "Data sync started in background. Check /api/health for progress."
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
        let services = self.services
        services.background.run("triggered sync", logger: services.logger) { await Self.sync(services) }
        await services.auth.authenticator.record(
            "sync_triggered", userID: caller.user.id, resource: "sync",
            params: ["tables": tables.map { $0.joined(separator: ",") } ?? "all"])
        return JSONBody.response(object: Reply(tables: tables.map { .some($0) } ?? .all))
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

    /// The background work: local sync, registration of new tables, rebuild.
    static func sync(_ services: AgnesServices) async {
        do {
            let report = try await services.localSync.sync()
            try await ServerBootstrap.registerLocalTables(report.tables, store: services.store)
            let rebuild = try await services.orchestrator.rebuild()
            services.logger.info(
                "triggered sync done",
                metadata: [
                    "generation": "\(rebuild.generation)", "tables": "\(rebuild.views.count)",
                    "issues": "\(rebuild.issues.count + report.failures.count)",
                ])
        } catch {
            services.logger.error("triggered sync failed", metadata: ["error": "\(error)"])
        }
    }
}
