import Foundation

/// One user's choice about syncing one dataset to their machine.
public struct UserSyncSetting: Sendable, Hashable, Codable {
    /// The user.
    public var userID: String
    /// The dataset (table name).
    public var dataset: String
    /// Whether the user syncs it.
    public var isEnabled: Bool
    /// `all` (the default) or a selection mode.
    public var tableMode: String
    /// The selected tables, when the mode selects.
    public var tables: [String]
    /// Last update time.
    public var updatedAt: Date?

    /// Creates a setting value.
    public init(
        userID: String, dataset: String, isEnabled: Bool = false, tableMode: String = "all", tables: [String] = [],
        updatedAt: Date? = nil
    ) {
        self.userID = userID
        self.dataset = dataset
        self.isEnabled = isEnabled
        self.tableMode = tableMode
        self.tables = tables
        self.updatedAt = updatedAt
    }
}
