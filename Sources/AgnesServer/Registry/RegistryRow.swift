import AgnesCore
import AgnesStore
import Foundation

/// One registry row on the wire (`GET /api/admin/registry`): every registry column, `primary_key` as a
/// list or null, and what the last sync made of it: `last_sync_error` (the original's key), plus the
/// last run's `last_outcome` and `last_checked_at`.
struct RegistryRow: Encodable {
    let table: TableRegistration
    let check: SyncRunRepository.Check?
    let state: SyncState?

    enum CodingKeys: String, CodingKey {
        case id, name, bucket, folder, description
        case sourceType = "source_type"
        case sourceTable = "source_table"
        case sourceQuery = "source_query"
        case syncStrategy = "sync_strategy"
        case queryMode = "query_mode"
        case syncSchedule = "sync_schedule"
        case profileAfterSync = "profile_after_sync"
        case primaryKey = "primary_key"
        case partitionBy = "partition_by"
        case registeredBy = "registered_by"
        case registeredAt = "registered_at"
        case lastSyncError = "last_sync_error"
        case lastSync = "last_sync"
        case lastOutcome = "last_outcome"
        case lastCheckedAt = "last_checked_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(table.id, forKey: .id)
        try container.encode(table.name, forKey: .name)
        try container.encode(table.sourceType, forKey: .sourceType)
        try container.encode(table.bucket, forKey: .bucket)
        try container.encode(table.sourceTable, forKey: .sourceTable)
        try container.encode(table.sourceQuery, forKey: .sourceQuery)
        try container.encode(table.syncStrategy.rawValue, forKey: .syncStrategy)
        try container.encode(table.queryMode.rawValue, forKey: .queryMode)
        try container.encode(table.syncSchedule, forKey: .syncSchedule)
        try container.encode(table.profileAfterSync, forKey: .profileAfterSync)
        try container.encode(table.primaryKey.isEmpty ? nil : table.primaryKey, forKey: .primaryKey)
        try container.encode(table.partitionBy, forKey: .partitionBy)
        try container.encode(table.folder, forKey: .folder)
        try container.encode(table.description, forKey: .description)
        try container.encode(table.registeredBy, forKey: .registeredBy)
        try container.encode(table.registeredAt, forKey: .registeredAt)
        let error = check?.outcome == .failed ? check?.reason : (state?.isFailed == true ? state?.error : nil)
        try container.encode(error, forKey: .lastSyncError)
        try container.encode(state?.lastSync, forKey: .lastSync)
        try container.encode(
            check.flatMap { check in check.outcome.map { SyncTableOutcome(tableID: "", source: "", kind: $0, reason: check.reason).summary } },
            forKey: .lastOutcome)
        try container.encode(check?.attemptedAt, forKey: .lastCheckedAt)
    }
}
