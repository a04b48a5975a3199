import AgnesCore
import AgnesStore

extension UserSyncSettingsRepository {
    /// Turns syncing of one dataset on or off for a user, keeping the rest of an existing row (its
    /// table selection, and its mode unless `tableMode` is given).
    func setEnabled(userID: String, dataset: String, isEnabled: Bool, tableMode: String? = nil) async throws {
        var setting =
            try await find(userID: userID, dataset: dataset) ?? UserSyncSetting(userID: userID, dataset: dataset)
        setting.isEnabled = isEnabled
        if let tableMode { setting.tableMode = tableMode }
        try await save(setting)
    }
}
