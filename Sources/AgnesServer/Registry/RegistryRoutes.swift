import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesJobs
import AgnesStore
import Foundation
import Hummingbird
import Logging

/// The table registry (admin; REFERENCE §1.9): list, register (and its precheck), update, delete.
/// Registering or changing a table asks for a sync run of it at once (its `run_id` is in the answer);
/// deleting one removes its data files, view, sync state, history and grants.
struct RegistryRoutes {
    let services: AgnesServices
    var rules: RegistrationRules {
        RegistrationRules(settings: services.settings) { [pipeline = services.pipeline] source in
            pipeline.connector(for: source) is CustomConnector
        }
    }
    var registry: DuckDBTableRegistryRepository { DuckDBTableRegistryRepository(store: services.store) }

    struct List: Encodable {
        let tables: [RegistryRow]
        let count: Int
    }

    struct Registered: Encodable {
        let id: String
        let name: String
        let status = "registered"
        let runID: String?

        enum CodingKeys: String, CodingKey {
            case id, name, status
            case runID = "run_id"
        }
    }

    struct Updated: Encodable {
        let id: String
        let updated: [String]
        let runID: String?

        enum CodingKeys: String, CodingKey {
            case id, updated
            case runID = "run_id"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/admin/registry") { request, context in
            _ = try await services.admin(request, context)
            let tables = try await registry.list(sourceType: nil)
            let checks = try await SyncRunRepository(store: services.store).checks()
            let states = Dictionary(
                try await DuckDBSyncStateRepository(store: services.store).list().map { ($0.tableID, $0) }
            ) { first, _ in first }
            let rows = tables.map { RegistryRow(table: $0, check: checks[$0.id], state: states[$0.id]) }
            return JSONBody.response(object: List(tables: rows, count: rows.count))
        }
        router.post("/api/admin/register-table") { request, context in
            try await registerTable(request, context)
        }
        router.post("/api/admin/register-table/precheck") { request, context in
            try await precheck(request, context)
        }
        router.put("/api/admin/registry/{id}") { request, context in
            try await update(request, context)
        }
        router.delete("/api/admin/registry/{id}") { request, context in
            try await delete(request, context)
        }
    }

    /// The registration a register request describes, checked (not written).
    func registration(_ body: RegistrationRequest, by caller: String) throws(APIError) -> TableRegistration {
        guard let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty else {
            throw APIError(.unprocessableContent, "name: field required")
        }
        let id = RegistrationRequest.id(for: name)
        try rules.checkName(name, id: id)
        let base = TableRegistration(
            id: id, name: name, sourceType: services.settings.dataSourceType.rawValue, registeredBy: caller)
        let table = try body.applied(to: base)
        if let query = body.sourceQuery, !query.isEmpty, table.queryMode != .materialized {
            throw APIError(.unprocessableContent, "source_query: only a materialized table has SQL")
        }
        try rules.check(table)
        return table
    }

    func registerTable(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.admin(request, context)
        let body = try await request.decodeJSON(RegistrationRequest.self, context: context)
        let table = try registration(body, by: caller.user.email)
        let existing = try await registry.list(sourceType: nil)
        if existing.contains(where: { $0.id == table.id || $0.name == table.name }) {
            throw APIError(.conflict, "Table '\(table.id)' is already registered")
        }
        let stored = try await registry.register(table)
        await services.audit(
            "register_table", userID: caller.user.id, resource: "table:\(stored.id)",
            params: Self.auditParams(stored))
        let run = try? await services.pipeline.trigger(
            tables: [stored.id], trigger: "register", requestedBy: caller.user.id)
        if stored.sourceType == services.bigquery.sourceType, stored.queryMode == .remote, let run {
            return try await remoteBigQueryRegistered(stored, runID: run.id)
        }
        return JSONBody.response(
            status: .created, object: Registered(id: stored.id, name: stored.name, runID: run?.id))
    }

    struct RemoteRegistered: Encodable {
        let id: String
        let name: String
        let status: String
        let viewName: String?
        let message: String?
        let errors: [String]?
        let runID: String

        enum CodingKeys: String, CodingKey {
            case id, name, status, message, errors
            case viewName = "view_name"
            case runID = "run_id"
        }
    }

    /// A remote BigQuery table is queryable once its schema is synced (REFERENCE §1.9): the answer waits
    /// up to `data_source.bigquery`'s registration wait (5 s) for that run. 200 `status: ok` with `view_name` when it is queryable, 500
    /// `status: rebuild_failed` with the reason, 202 `status: accepted` while the run goes on.
    func remoteBigQueryRegistered(_ stored: TableRegistration, runID: String) async throws -> Response {
        let pipeline = services.pipeline
        let wait = Duration.seconds(services.settings.bigquery.registrationWaitSeconds)
        let finished = await withTaskGroup(of: SyncRun?.self) { group in
            group.addTask { await pipeline.completion(of: runID) }
            group.addTask {
                try? await Task.sleep(for: wait)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard finished != nil else {
            return JSONBody.response(
                status: .accepted,
                object: RemoteRegistered(
                    id: stored.id, name: stored.name, status: "accepted", viewName: nil,
                    message: "Registered; its schema is still being read from BigQuery (run \(runID))", errors: nil,
                    runID: runID))
        }
        let outcomes = try await SyncRunRepository(store: services.store).outcomes(runID: runID)
        let outcome = outcomes.first { $0.tableID == stored.id }
        guard let outcome, outcome.kind == .synced || outcome.kind == .unchanged else {
            let reason = outcome?.reason ?? "the sync run did not reach the table"
            return JSONBody.response(
                status: .internalServerError,
                object: RemoteRegistered(
                    id: stored.id, name: stored.name, status: "rebuild_failed", viewName: nil,
                    message: "Registered, but BigQuery's table could not be read: \(reason)", errors: [reason],
                    runID: runID))
        }
        return JSONBody.response(
            object: RemoteRegistered(
                id: stored.id, name: stored.name, status: "ok", viewName: stored.id, message: nil, errors: nil,
                runID: runID))
    }

    func update(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.admin(request, context)
        let id = context.parameters.get("id") ?? ""
        guard let current = try await registry.find(id: id) else { throw APIError.notFound("Table not found: \(id)") }
        let body = try await request.decodeJSON(RegistrationRequest.self, context: context)
        let fields = body.givenFields
        guard !fields.isEmpty else { throw APIError(.unprocessableContent, "the body sets no field") }
        let changed = try body.applied(to: current)
        if changed.name != current.name {
            try rules.checkName(changed.name, id: RegistrationRequest.id(for: changed.name))
            if try await registry.list(sourceType: nil).contains(where: { $0.id != id && $0.name == changed.name }) {
                throw APIError(.conflict, "name: another table is already named '\(changed.name)'")
            }
        }
        try rules.check(changed)
        _ = try await registry.register(changed)
        await services.audit(
            "update_table", userID: caller.user.id, resource: "table:\(id)",
            params: Self.auditParams(changed).merging(["updated": fields.joined(separator: ",")]) { _, new in new })
        let run = try? await services.pipeline.trigger(tables: [id], trigger: "update", requestedBy: caller.user.id)
        return JSONBody.response(object: Updated(id: id, updated: fields, runID: run?.id))
    }

    func delete(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.admin(request, context)
        let id = context.parameters.get("id") ?? ""
        guard let table = try await registry.find(id: id) else { throw APIError.notFound("Table not found: \(id)") }
        let grants = try await DuckDBGrantRepository(store: services.store).list(groupID: nil, type: .table)
            .filter { $0.resourceID == id }
        let groups = try await DuckDBGroupRepository(store: services.store).list()
        let groupNames = Dictionary(groups.map { ($0.id, $0.name) }) { first, _ in first }
        try await registry.unregister(id: id)
        let files = try await TableRemoval(services: services).remove(table)
        await services.audit(
            "unregister_table", userID: caller.user.id, resource: "table:\(id)",
            params: [
                "source_type": table.sourceType ?? "",
                "grants_removed": grants.map { groupNames[$0.groupID] ?? $0.groupID }.sorted().joined(separator: ","),
                "files_removed": files.joined(separator: ","),
            ])
        services.logger.info(
            "table unregistered",
            metadata: ["table": "\(id)", "grants_removed": "\(grants.count)", "files_removed": "\(files)"])
        return Response(status: .noContent)
    }

    static func auditParams(_ table: TableRegistration) -> [String: String] {
        var params = [
            "name": table.name, "source_type": table.sourceType ?? "", "query_mode": table.queryMode.rawValue,
        ]
        if let bucket = table.bucket { params["bucket"] = bucket }
        if let sourceTable = table.sourceTable { params["source_table"] = sourceTable }
        if let schedule = table.syncSchedule { params["sync_schedule"] = schedule }
        if table.sourceQuery != nil { params["source_query"] = "(set)" }
        return params
    }
}
