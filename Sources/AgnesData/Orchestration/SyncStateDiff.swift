import AgnesCore
import AgnesStore
import Foundation

/// Turns a build's views into the sync-state rows that changed, with content hashes (from the
/// extract's `_content_hashes`, else hashed from the file).
enum SyncStateDiff {
    static func record(for output: AnalyticsBuilder.Output, previous: [String: SyncState], now: Date) throws
        -> RebuildRecord
    {
        var record = RebuildRecord()
        record.claims = output.claims
        record.releases = output.releases
        for view in output.views {
            let id = view.table.name.rawValue
            let old = previous[id]
            var state = SyncState(
                tableID: id, lastSync: old?.lastSync, rows: view.table.rows.map(Int.init),
                fileSizeBytes: old?.fileSizeBytes,
                uncompressedSizeBytes: old?.uncompressedSizeBytes, columns: view.columns, hash: old?.hash)
            if let file = view.file {
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
                    let size = (attributes[.size] as? NSNumber)?.int64Value
                else {
                    state.status = SyncState.errorStatus
                    state.error = "data file \(file.lastPathComponent) is missing"
                    if state != old { record.states.append(state) }
                    continue
                }
                let hash: String
                if let recorded = view.table.recordedHash, recorded.sizeBytes == size {
                    hash = recorded.md5
                } else if let old, old.hash?.count == 32, view.table.delta == nil, old.fileSizeBytes == Int(size),
                    old.status == SyncState.okStatus,
                    let modified = attributes[.modificationDate] as? Date, let lastSync = old.lastSync,
                    modified <= lastSync
                {
                    hash = old.hash!  // untouched since it was hashed
                } else {
                    hash = try Publisher.md5(of: file).md5
                }
                // A table kept as a base and a delta changes with either.
                state.hash = LayeredRelation.contentVersion(md5: hash, deltaMD5: view.table.delta?.md5)
                state.fileSizeBytes = Int(size + (view.table.delta?.sizeBytes ?? 0))
            } else {
                state.hash = nil
            }
            // The history of syncs belongs to sync runs (their per-table outcomes); a rebuild only moves
            // the time of the last change.
            if state.hash != old?.hash || old == nil || old?.status != SyncState.okStatus {
                state.lastSync = now
            }
            if state != old { record.states.append(state) }
        }
        return record
    }
}
