import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

extension KeboolaResponder {
    /// A Query Service request: the Storage API token (or `Authorization: Bearer` with it), then the route.
    func queryService(_ route: KeboolaRoute, _ request: IncomingRequest) async -> Response {
        let token = store.state.withLock { $0.token }
        let bearer = request.header("authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard request.header("x-storageapi-token") == token || bearer == token else {
            return Self.queryError(status: 401, "Invalid access token")
        }
        switch route {
        case .submitQuery(let branch, let workspace):
            return await submitQuery(branch: branch, workspace: workspace, request)
        case .queryJob(let id): return queryJob(id)
        case .cancelQuery(let id): return cancelQuery(id, request)
        case .queryResults(let job, let statement): return queryResults(job: job, statement: statement, request)
        default: return Self.queryError(status: 404, "Route not found")
        }
    }

    /// The Query Service's error body `{"exception","exceptionId","context"}`.
    static func queryError(status: Int, _ message: String, headers: HTTPFields = [:]) -> Response {
        KeboolaJSON.response(
            ["exception": message, "exceptionId": KeboolaJSON.exceptionID(), "context": [String: Any]()],
            status: status,
            headers: headers)
    }

    private func submitQuery(branch: String, workspace: String, _ request: IncomingRequest) async -> Response {
        await store.waitAtGate()
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
        guard let statements = body["statements"] as? [String], statements.count == 1 else {
            return Self.queryError(status: 400, "statements: exactly one SQL statement is supported by this fake")
        }
        let (branchID, workspaceExists, tables) = store.state.withLock { state in
            (
                state.defaultBranchID, Int64(workspace).map { state.workspaces[$0] != nil } ?? false,
                state.tables.values.compactMap { table -> SnowflakeEmulator.Table? in
                    guard case .rows(let rows) = table.content else { return nil }
                    return SnowflakeEmulator.Table(
                        id: table.id, columns: table.columns, rows: rows.map(\.values),
                        types: table.isTyped ? SnowflakeEmulator.nativeTypes(table) : nil)
                }
            )
        }
        guard branch == String(branchID) else { return Self.queryError(status: 404, "Branch \(branch) not found") }
        guard workspaceExists else { return Self.queryError(status: 404, "Workspace \(workspace) not found") }
        let sql = statements[0]
        var result: SnowflakeEmulator.Result?
        var failure: String?
        do {
            result = try SnowflakeEmulator.run(sql, tables: tables)
        } catch {
            failure = "SQL compilation error:\n\(error)"
        }
        let job = store.state.withLock { state in
            defer { state.nextQueryJob += 1 }
            let job = QueryJob(
                id: "job-\(state.nextQueryJob)", statementID: "stmt-\(state.nextQueryJob)-1", query: sql,
                createdAt: KeboolaDate.storage(state.now), result: result, error: failure)
            state.queryJobs[job.id] = job
            return job
        }
        return KeboolaJSON.response(["queryJobId": job.id], status: 201)
    }

    private func queryJob(_ id: String) -> Response {
        let found = store.state.withLock { state -> (QueryJob, Bool)? in
            guard state.queryJobs[id] != nil else { return nil }
            state.queryJobs[id]!.polls += 1
            return (state.queryJobs[id]!, state.queryJobs[id]!.polls >= state.pollsUntilDone)
        }
        guard let (job, isDone) = found else { return Self.queryError(status: 404, "Query job \(id) not found") }
        var status = isDone ? (job.error == nil ? "completed" : "failed") : "processing"
        if job.cancellationReason != nil { status = "canceled" }
        var statement: [String: Any] = [
            "id": job.statementID, "query": job.query, "status": status, "createdAt": job.createdAt,
        ]
        if isDone, let error = job.error { statement["error"] = error }
        if isDone, let result = job.result { statement["numberOfRows"] = result.rows.count }
        var json: [String: Any] = [
            "queryJobId": job.id, "status": status, "actorType": "user", "createdAt": job.createdAt,
            "changedAt": job.createdAt, "statements": [statement],
        ]
        if let reason = job.cancellationReason { json["cancellationReason"] = reason }
        return KeboolaJSON.response(json)
    }

    /// `POST /api/v1/queries/{id}/cancel` `{"reason"}`: the job ends `canceled` (unless it had ended).
    private func cancelQuery(_ id: String, _ request: IncomingRequest) -> Response {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
        let found = store.state.withLock { state -> Bool in
            guard state.queryJobs[id] != nil else { return false }
            state.queryJobs[id]!.cancellationReason = body["reason"] as? String ?? "canceled"
            return true
        }
        guard found else { return Self.queryError(status: 404, "Query job \(id) not found") }
        return KeboolaJSON.response(["queryJobId": id])
    }

    private func queryResults(job id: String, statement: String, _ request: IncomingRequest) -> Response {
        guard let job = store.state.withLock({ $0.queryJobs[id] }), job.statementID == statement else {
            return Self.queryError(status: 404, "Statement \(statement) of query job \(id) not found")
        }
        guard let result = job.result else {
            return Self.queryError(status: 400, "Statement \(statement) failed and has no results")
        }
        let parameters = request.queryParameters
        let offset = max(0, Int(parameters["offset"] ?? "0") ?? 0)
        let pageSize = min(max(1, Int(parameters["pageSize"] ?? "500") ?? 500), 10_000)
        let page =
            offset < result.rows.count ? Array(result.rows[offset..<min(offset + pageSize, result.rows.count)]) : []
        return KeboolaJSON.response([
            "status": "completed",
            "columns": result.columns.map { column -> [String: Any] in
                var json: [String: Any] = ["name": column.name, "type": column.type, "nullable": true]
                if let length = column.length { json["length"] = length }
                return json
            },
            "data": page.map { $0.map { $0 as Any? ?? NSNull() } }, "numberOfRows": result.rows.count,
            "rowsAffected": 0,
        ])
    }
}
