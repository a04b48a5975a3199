import Foundation
import Hummingbird
import Synchronization

extension KeboolaResponder {
    /// `GET /v2/storage/dev-branches/`: the default branch only.
    func devBranches() -> Response {
        let id = store.state.withLock { $0.defaultBranchID }
        return KeboolaJSON.response([
            [
                "id": id, "name": "Main", "description": "", "created": KeboolaDate.storage(KeboolaDate.epoch),
                "isDefault": true,
            ] as [String: Any]
        ])
    }

    func workspaces() -> Response {
        let all = store.state.withLock { $0.workspaces.values.sorted { $0.id < $1.id } }
        return KeboolaJSON.response(all.map(Self.json))
    }

    /// `POST /v2/storage/workspaces` with a JSON body: 201 with the workspace. Only the snowflake backend.
    func createWorkspace(_ request: IncomingRequest) throws(KeboolaAPIError) -> Response {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
        let backend = body["backend"] as? String ?? "snowflake"
        guard backend == "snowflake" else {
            throw .validation(
                "Backend \(backend) is not supported by this project", code: "workspace.unsupportedBackend")
        }
        let readOnly = body["readOnlyStorageAccess"] as? Bool ?? false
        let workspace = store.state.withLock { state in
            state.nextWorkspaceID += 1
            let workspace = FakeKeboolaWorkspace(
                id: state.nextWorkspaceID, backend: backend, readOnlyStorageAccess: readOnly)
            state.workspaces[workspace.id] = workspace
            return workspace
        }
        return KeboolaJSON.response(Self.json(workspace), status: 201)
    }

    func workspace(_ id: Int64) throws(KeboolaAPIError) -> Response {
        guard let workspace = store.state.withLock({ $0.workspaces[id] }) else { throw Self.workspaceNotFound(id) }
        return KeboolaJSON.response(Self.json(workspace))
    }

    func deleteWorkspace(_ id: Int64) throws(KeboolaAPIError) -> Response {
        guard store.state.withLock({ $0.workspaces.removeValue(forKey: id) }) != nil else {
            throw Self.workspaceNotFound(id)
        }
        return Response(status: .noContent)
    }

    static func workspaceNotFound(_ id: Int64) -> KeboolaAPIError {
        .notFound("Workspace \(id) not found", code: "workspace.workspaceNotFound")
    }

    static func json(_ workspace: FakeKeboolaWorkspace) -> [String: Any] {
        [
            "id": workspace.id, "name": "WORKSPACE_\(workspace.id)", "type": "table",
            "readOnlyStorageAccess": workspace.readOnlyStorageAccess, "platform": workspace.backend,
            "connection": [
                "backend": workspace.backend, "host": "keboola.snowflakecomputing.com", "database": "KEBOOLA_578",
                "schema": "WORKSPACE_\(workspace.id)", "warehouse": "KEBOOLA_PROD_SMALL",
                "user": "KEBOOLA_WORKSPACE_\(workspace.id)",
            ],
        ]
    }
}
