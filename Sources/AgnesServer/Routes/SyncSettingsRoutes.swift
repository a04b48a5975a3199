import AgnesAuth
import AgnesCore
import AgnesStore
import Hummingbird

/// Which datasets and tables the caller syncs (REFERENCE §1.4): `GET`/`POST /api/sync/settings` and
/// `GET`/`POST /api/sync/table-subscriptions`. Datasets and tables are named by registry id (DESIGN
/// decision 2); both endpoints write the caller's `user_sync_settings` rows.
///
/// `POST /api/sync/settings` answers per dataset, as the original: `{"enabled": bool}` when the caller
/// may read the table, `{"error": "no permission"}` (and nothing stored) otherwise.
///
/// `POST /api/sync/table-subscriptions` is stricter than the original, which stored whatever it was
/// sent: every named table must be one the caller may read (403 `Access denied to table '<id>'`,
/// whether or not it exists) and must be registered (404 `Table not found: <id>`); `table_mode` must be
/// `all` or `explicit` (422); at most ``maximumSubscriptions`` tables per request (422). The request
/// is checked in full before anything is stored, so a refused request changes nothing.
struct SyncSettingsRoutes {
    let services: AgnesServices

    /// The most tables one subscription update may name.
    static let maximumSubscriptions = 500
    /// The table modes a subscription update may set.
    static let tableModes: Set<String> = ["all", "explicit"]

    var settings: DuckDBUserSyncSettingsRepository { DuckDBUserSyncSettingsRepository(store: services.store) }

    struct SettingsUpdate: Decodable {
        let datasets: [String: Bool]
    }

    struct SubscriptionUpdate: Decodable {
        let tableMode: String
        let tables: [String: Bool]

        enum CodingKeys: String, CodingKey {
            case tables
            case tableMode = "table_mode"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            tableMode = try container.decodeIfPresent(String.self, forKey: .tableMode) ?? "all"
            tables = try container.decodeIfPresent([String: Bool].self, forKey: .tables) ?? [:]
        }
    }

    struct SyncSettings: Encodable {
        let userID: String
        let settings: [SyncSettingView]
        let enabledDatasets: [String]

        enum CodingKeys: String, CodingKey {
            case settings
            case userID = "user_id"
            case enabledDatasets = "enabled_datasets"
        }
    }

    /// The outcome for one dataset of a settings update.
    enum DatasetOutcome: Encodable {
        case enabled(Bool)
        case noPermission

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .enabled(let isEnabled): try ["enabled": isEnabled].encode(to: encoder)
            case .noPermission: try ["error": "no permission"].encode(to: encoder)
            }
        }
    }

    struct SettingsUpdated: Encodable {
        let updated: [String: DatasetOutcome]
    }

    struct Subscriptions: Encodable {
        let userID: String
        let subscriptions: [SyncSettingView]

        enum CodingKeys: String, CodingKey {
            case subscriptions
            case userID = "user_id"
        }
    }

    struct SubscriptionsUpdated: Encodable {
        let tableMode: String
        let updated: Int

        enum CodingKeys: String, CodingKey {
            case updated
            case tableMode = "table_mode"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/sync/settings") { request, context in
            let caller = try await services.caller(request, context)
            let rows = try await settings.list(userID: caller.user.id)
            return JSONBody.response(
                object: SyncSettings(
                    userID: caller.user.id, settings: rows.map(SyncSettingView.init),
                    enabledDatasets: rows.filter(\.isEnabled).map(\.dataset)))
        }
        router.post("/api/sync/settings") { request, context in
            let caller = try await services.caller(request, context)
            let body = try await request.decodeJSON(SettingsUpdate.self, context: context)
            let policy = AccessPolicy(grants: DuckDBGrantRepository(store: services.store))
            var outcomes: [String: DatasetOutcome] = [:]
            for (dataset, isEnabled) in body.datasets {
                guard try await policy.canRead(caller, table: dataset) else {
                    outcomes[dataset] = .noPermission
                    continue
                }
                try await settings.setEnabled(userID: caller.user.id, dataset: dataset, isEnabled: isEnabled)
                outcomes[dataset] = .enabled(isEnabled)
            }
            return JSONBody.response(object: SettingsUpdated(updated: outcomes))
        }
        router.get("/api/sync/table-subscriptions") { request, context in
            let caller = try await services.caller(request, context)
            let rows = try await settings.list(userID: caller.user.id)
            return JSONBody.response(
                object: Subscriptions(userID: caller.user.id, subscriptions: rows.map(SyncSettingView.init)))
        }
        router.post("/api/sync/table-subscriptions") { request, context in
            let caller = try await services.caller(request, context)
            let body = try await request.decodeJSON(SubscriptionUpdate.self, context: context)
            guard Self.tableModes.contains(body.tableMode) else {
                throw APIError(.unprocessableContent, "table_mode must be 'all' or 'explicit'")
            }
            guard body.tables.count <= Self.maximumSubscriptions else {
                throw APIError(
                    .unprocessableContent, "tables may name at most \(Self.maximumSubscriptions) tables")
            }
            let check = TableAccessCheck(services: services)
            for id in body.tables.keys.sorted() { _ = try await check.readableTable(caller, id: id) }
            for (id, isEnabled) in body.tables {
                try await settings.setEnabled(
                    userID: caller.user.id, dataset: id, isEnabled: isEnabled, tableMode: body.tableMode)
            }
            return JSONBody.response(
                object: SubscriptionsUpdated(tableMode: body.tableMode, updated: body.tables.count))
        }
    }
}
