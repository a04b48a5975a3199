import AgnesAuth
import AgnesCore
import AgnesStore
import Hummingbird

/// The caller's own sync preferences (REFERENCE §1.13): `GET /api/settings` and
/// `PUT /api/settings/dataset`.
///
/// A dataset is a table's registry id (DESIGN decision 2). Turning one on or off needs read access to
/// that table (403 `No access to dataset '<id>'` otherwise), as in the original; whether the table is
/// registered is not checked, since grants (and so preferences) may be made ahead of a table.
struct SettingsRoutes {
    let services: AgnesServices

    var settings: DuckDBUserSyncSettingsRepository { DuckDBUserSyncSettingsRepository(store: services.store) }

    struct DatasetRequest: Codable {
        let dataset: String
        let enabled: Bool
    }

    struct UserSettings: Encodable {
        let userID: String
        let syncSettings: [SyncSettingView]

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
            case syncSettings = "sync_settings"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/settings") { request, context in
            let caller = try await services.caller(request, context)
            let rows = try await settings.list(userID: caller.user.id)
            return JSONBody.response(
                object: UserSettings(userID: caller.user.id, syncSettings: rows.map(SyncSettingView.init)))
        }
        router.put("/api/settings/dataset") { request, context in
            let caller = try await services.caller(request, context)
            let body = try await request.decodeJSON(DatasetRequest.self, context: context)
            let policy = AccessPolicy(grants: DuckDBGrantRepository(store: services.store))
            guard try await policy.canRead(caller, table: body.dataset) else {
                throw APIError(.forbidden, "No access to dataset '\(body.dataset)'")
            }
            try await settings.setEnabled(userID: caller.user.id, dataset: body.dataset, isEnabled: body.enabled)
            return JSONBody.response(object: body)
        }
    }
}
