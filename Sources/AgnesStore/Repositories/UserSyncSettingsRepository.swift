import AgnesCore
import Foundation

/// Each user's per-dataset sync choices.
public protocol UserSyncSettingsRepository: Sendable {
    /// The user's setting for one dataset.
    func find(userID: String, dataset: String) async throws -> UserSyncSetting?
    /// Every setting of the user, ordered by dataset.
    func list(userID: String) async throws -> [UserSyncSetting]
    /// Creates or replaces the setting for `(userID, dataset)`; `updatedAt` becomes now.
    @discardableResult
    func save(_ setting: UserSyncSetting) async throws -> UserSyncSetting
}
