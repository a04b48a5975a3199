import AgnesCore
import AgnesData
import Crypto
import DuckDB
import Foundation

extension KeboolaConnector {
    /// Everything a partitioned sync needs about its table.
    struct PartitionedSync: Sendable {
        var remote: KeboolaTable
        var columns: [KeboolaTableConverter.Column]
        var partitionColumn: KeboolaTableConverter.Column
        var state: KeboolaTableState
        /// The previous state when it is compatible (same columns, key and partition column).
        var old: KeboolaTableState?
        var name: Identifier
        var description: String
        var work: URL
        var target: URL
    }

    /// A `partitioned` sync: one parquet file per partition value (dates and timestamps by month) under
    /// `data/<table>.partitions/`. The first sync (or one after the columns changed) splits a full
    /// export; later syncs export what changed since the last export and rewrite only the partitions
    /// the changed rows go to or come from; rows deleted in Keboola are dropped from the partitions
    /// that held them. The served `data/<table>.parquet` is then assembled from the partition files.
    func syncPartitioned(_ sync: PartitionedSync, client: KeboolaStorageClient) async throws -> TableResult {
        var state = sync.state
        let directory = layout.dataDirectory(Self.source).appendingPathComponent("\(sync.name.rawValue).partitions")
        let oldFiles: [String: String] = sync.old?.partitions ?? [:]
        let since = sync.old.flatMap { KeboolaTableState.date($0.exportedAt) }
        let isDelta =
            since != nil
            && oldFiles.allSatisfy {
                FileManager.default.fileExists(atPath: directory.appendingPathComponent($0.value).path)
            }
        let request = KeboolaExportRequest(
            columns: sync.remote.columns,
            changedSince: isDelta
                ? since!.addingTimeInterval(-Double(client.configuration.incrementalOverlap.components.seconds)) : nil)
        let (job, slices) = try await export(
            sync.remote.id, request, client: client, into: sync.work.appendingPathComponent("export"))
        state.exportedAt = job.createdTime ?? job.startTime
        let keyColumns = sync.columns.filter { state.primaryKey.contains($0.name) }
        let scratch = sync.work.appendingPathComponent("duckdb")
        let exported = sync.work.appendingPathComponent("export.parquet")
        let publisher = Publisher(keepsVersions: false)
        let tableID = sync.remote.id
        let (columns, partitionColumn, primaryKey) = (sync.columns, sync.partitionColumn, state.primaryKey)
        // Convert, then rewrite the partitions the export touches.
        var (files, rewritten) = try await offloaded("agnes.keboola.partitions") { () -> ([String: String], Int) in
            let converter = try KeboolaTableConverter.open(temporaryDirectory: scratch, tableID: tableID)
            _ = try converter.convert(slices: slices, columns: columns, to: exported)
            var files = isDelta ? oldFiles : [:]
            let existing = files.mapValues { directory.appendingPathComponent($0) }
            var touched = Set(try converter.partitionValues(of: exported, by: partitionColumn))
            if isDelta {
                touched.formUnion(
                    try converter.partitionsHoldingKeys(of: exported, primaryKey: primaryKey, in: existing))
            }
            for value in touched.sorted() {
                let file = files[value] ?? Self.partitionFileName(value)
                let destination = directory.appendingPathComponent(file)
                var rows: Int64 = 0
                _ = try publisher.publish(to: destination) { temporary in
                    rows =
                        isDelta
                        ? try converter.mergePartition(
                            previous: existing[value], delta: exported, by: partitionColumn, value: value,
                            primaryKey: primaryKey, to: temporary)
                        : try converter.writePartition(of: exported, by: partitionColumn, value: value, to: temporary)
                }
                if rows == 0 {
                    unlink(destination.path)
                    files[value] = nil
                } else {
                    files[value] = file
                }
            }
            return (files, touched.count)
        }
        var note =
            isDelta ? "rewrote \(rewritten) of \(files.count) partitions" : "split into \(files.count) partitions"
        // Rows deleted in Keboola: a key-only export shows which keys are left.
        let expected = sync.remote.rowsCount
        let written = files
        let counted = try await offloaded("agnes.keboola.count") { () -> Int64 in
            let converter = try KeboolaTableConverter.open(temporaryDirectory: scratch, tableID: tableID)
            return try written.values.reduce(0) {
                $0 + (try converter.rowCount(of: directory.appendingPathComponent($1)))
            }
        }
        if isDelta, let expected, expected != counted {
            let (_, keySlices) = try await export(
                tableID, KeboolaExportRequest(columns: keyColumns.map(\.name)), client: client,
                into: sync.work.appendingPathComponent("keys"))
            let keyFile = sync.work.appendingPathComponent("keys.parquet")
            let snapshot = files
            let (remaining, removed) = try await offloaded("agnes.keboola.deletions") {
                () -> ([String: String], Int64) in
                let converter = try KeboolaTableConverter.open(temporaryDirectory: scratch, tableID: tableID)
                _ = try converter.convert(slices: keySlices, columns: keyColumns, to: keyFile)
                var files = snapshot
                var removed: Int64 = 0
                for (value, file) in snapshot.sorted(by: { $0.key < $1.key }) {
                    let path = directory.appendingPathComponent(file)
                    let missing = try converter.rowsMissingKeys(in: path, keys: keyFile, primaryKey: primaryKey)
                    guard missing > 0 else { continue }
                    removed += missing
                    var rows: Int64 = 0
                    _ = try publisher.publish(to: path) { temporary in
                        rows = try converter.retainKeys(in: path, keys: keyFile, primaryKey: primaryKey, to: temporary)
                    }
                    if rows == 0 {
                        unlink(path.path)
                        files[value] = nil
                    }
                }
                return (files, removed)
            }
            files = remaining
            note += "; removed \(removed) rows deleted in Keboola"
        }
        state.partitions = files
        Self.removeUnlisted(in: directory, keeping: Set(files.values))
        let ordered = files.sorted { $0.key < $1.key }.map { directory.appendingPathComponent($0.value) }
        let target = sync.target
        let (published, rows) = try await offloaded("agnes.keboola.assemble") { () -> (PublishedFile, Int64) in
            let converter = try KeboolaTableConverter.open(temporaryDirectory: scratch, tableID: tableID)
            var rows: Int64 = 0
            let published = try self.publisher.publish(to: target) { temporary in
                rows = try converter.assemble(ordered, columns: columns, to: temporary)
            }
            return (published, rows)
        }
        let table = ExtractTable(
            name: sync.name, description: sync.description, rows: rows, sizeBytes: published.sizeBytes,
            extractedAt: Date(),
            queryMode: "local", file: published, sourceSignature: state.encoded)
        return TableResult(table: table, note: note + ": \(rows) rows")
    }

    /// A partition's file name: its value made safe for a file name, plus a hash that keeps values
    /// apart that read alike once made safe.
    static func partitionFileName(_ value: String) -> String {
        let safe = String(value.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(60))
        let digest = Insecure.MD5.hash(data: Data(value.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
        return "\(safe)-\(digest).parquet"
    }

    /// Deletes the files of `directory` that are not partitions of the table any more.
    static func removeUnlisted(in directory: URL, keeping names: Set<String>) {
        guard let listed = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in listed where !names.contains(name) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}
