import AgnesCore
import AgnesStore

/// A `user_sync_settings` row on the wire (REFERENCE §3): `{user_id, dataset, enabled, table_mode,
/// tables, updated_at}`, `tables` as a list.
struct SyncSettingView: Encodable {
    let setting: UserSyncSetting

    enum CodingKeys: String, CodingKey {
        case dataset, enabled, tables
        case userID = "user_id"
        case tableMode = "table_mode"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(setting.userID, forKey: .userID)
        try container.encode(setting.dataset, forKey: .dataset)
        try container.encode(setting.isEnabled, forKey: .enabled)
        try container.encode(setting.tableMode, forKey: .tableMode)
        try container.encode(setting.tables, forKey: .tables)
        try container.encode(setting.updatedAt?.wireText, forKey: .updatedAt)
    }
}
