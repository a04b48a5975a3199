import Foundation
import NIOHTTP1

extension KeboolaStorageClient {
    /// The Query Service's base URL from the API index (`services[id=query].url`), without a trailing `/`.
    func queryServiceURL() async throws -> String {
        let index = try await get("/v2/storage", as: KeboolaServiceIndex.self)
        guard let service = index.services.first(where: { $0.id == "query" }) else {
            throw KeboolaError(
                .invalidRegistration,
                "this Keboola stack lists no Query Service in GET /v2/storage, which materialized tables need")
        }
        return KeboolaConfiguration.trimmed(service.url)
    }

    /// The Query Service's base URL, nil when the stack's API index lists none.
    func queryServiceURLIfListed() async throws -> String? {
        let index = try await get("/v2/storage", as: KeboolaServiceIndex.self)
        return index.services.first { $0.id == "query" }.map { KeboolaConfiguration.trimmed($0.url) }
    }

    /// The id of the project's default (production) branch.
    func defaultBranchID() async throws -> Int64 {
        let branches = try await get("/v2/storage/dev-branches/", as: [KeboolaBranch].self)
        guard let branch = branches.first(where: \.isDefault) else {
            throw KeboolaError(.invalidResponse, "Keboola lists no default branch in GET /v2/storage/dev-branches/")
        }
        return branch.id
    }

    /// Creates a Snowflake workspace that reads the project's storage without copying tables into it.
    func createReadOnlyWorkspace() async throws -> KeboolaWorkspace {
        let body = try JSONSerialization.data(withJSONObject: ["backend": "snowflake", "readOnlyStorageAccess": true])
        let data = try await send(.POST, "/v2/storage/workspaces", json: body)
        do {
            return try JSONDecoder().decode(KeboolaWorkspace.self, from: data)
        } catch {
            throw KeboolaError(
                .invalidResponse, "Keboola's answer to POST /v2/storage/workspaces has no workspace id: \(error)")
        }
    }
}
