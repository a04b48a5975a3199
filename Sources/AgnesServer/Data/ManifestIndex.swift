import AgnesCore
import AgnesData
import AgnesStore
import Foundation
import Logging
import Synchronization

/// The manifest's per-table entries for the current generation, each encoded to JSON once: rebuilt
/// only when the generation or the system store (registry, sync state) changes, so a request costs a
/// filter by the caller's readable tables and a concatenation — no file hashing, no per-table query.
final class ManifestIndex: Sendable {
    /// One table's entry, ready to splice into the response.
    struct Entry: Sendable {
        let id: String
        /// `"<id>":{…}` as JSON; for a table kept as a base and a delta, with an empty hash: its hash
        /// and size are those of its download file (``resolved(_:logger:)``).
        let json: Data
        /// A table kept as a base and a delta, with its entry.
        var layered: (table: ServedTable, wire: WireEntry)?
    }

    struct Snapshot: Sendable {
        let generation: Int
        let writeCount: Int
        let entries: [Entry]
    }

    struct WireEntry: Encodable, Sendable {
        var hash: String
        let updated: String?
        var sizeBytes: Int64
        let rows: Int64
        let queryMode: String
        let sourceType: String

        enum CodingKeys: String, CodingKey {
            case hash, updated, rows
            case sizeBytes = "size_bytes"
            case queryMode = "query_mode"
            case sourceType = "source_type"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(hash, forKey: .hash)
            try container.encode(updated, forKey: .updated)  // null, not absent, when never synced
            try container.encode(sizeBytes, forKey: .sizeBytes)
            try container.encode(rows, forKey: .rows)
            try container.encode(queryMode, forKey: .queryMode)
            try container.encode(sourceType, forKey: .sourceType)
        }
    }

    let store: SystemStore
    let analytics: AnalyticsDatabase
    /// The files tables are downloaded as: the manifest announces their hashes.
    let downloads: DownloadFiles
    private let current = Mutex<Snapshot?>(nil)

    init(store: SystemStore, analytics: AnalyticsDatabase, downloads: DownloadFiles) {
        self.store = store
        self.analytics = analytics
        self.downloads = downloads
    }

    /// The entries of the current generation, sorted by table id.
    func entries() async throws -> [Entry] {
        guard let generation = analytics.generation else { return [] }
        let writeCount = store.writeCount
        if let snapshot = current.withLock({ $0 }), snapshot.generation == generation.number,
            snapshot.writeCount == writeCount
        {
            return snapshot.entries
        }
        let served = try await generation.servedTables()
        let registry = Dictionary(
            try await DuckDBTableRegistryRepository(store: store).list(sourceType: nil).map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first })
        let states = Dictionary(
            try await DuckDBSyncStateRepository(store: store).list().map { ($0.tableID, $0) },
            uniquingKeysWith: { first, _ in first })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        var entries: [Entry] = []
        entries.reserveCapacity(served.count)
        for table in served.values.sorted(by: { $0.id < $1.id }) {
            let registration = registry[table.id]
            let state = states[table.id]
            let wire = WireEntry(
                hash: table.delta == nil ? table.md5 ?? "" : "", updated: state?.lastSync?.wireText,
                sizeBytes: table.sizeBytes ?? 0,
                rows: table.rows ?? Int64(state?.rows ?? 0),
                queryMode: registration?.queryMode.rawValue ?? table.queryMode,
                sourceType: registration?.sourceType ?? "")
            var json = try encoder.encode(table.id)
            json.append(UInt8(ascii: ":"))
            json.append(try encoder.encode(wire))
            entries.append(Entry(id: table.id, json: json, layered: table.delta == nil ? nil : (table, wire)))
        }
        // Kept only when nothing was written while it was read (an odd count means a write is running).
        if writeCount % 2 == 0, store.writeCount == writeCount {
            current.withLock { snapshot in
                if (snapshot?.generation ?? 0) <= generation.number {
                    snapshot = Snapshot(generation: generation.number, writeCount: writeCount, entries: entries)
                }
            }
        }
        return entries
    }

    /// The entry as the response gives it. A table kept as a base and a delta is announced as the one
    /// file it is downloaded as, written on first demand (only for callers who may read it); when that
    /// write fails, the hash is empty (clients then download it and check it is parquet) and the
    /// failure is logged, so one table cannot take the manifest down.
    func resolved(_ entry: Entry, logger: Logger) async -> Data {
        guard let (table, wire) = entry.layered else { return entry.json }
        var resolved = wire
        do {
            if let download = try await downloads.file(for: table) {
                resolved.hash = download.md5
                resolved.sizeBytes = download.sizeBytes
            }
        } catch {
            logger.error(
                "the download file of a table with a delta cannot be written",
                metadata: ["table": "\(table.id)", "error": "\(error)"])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        guard var json = try? encoder.encode(table.id), let body = try? encoder.encode(resolved) else {
            return entry.json
        }
        json.append(UInt8(ascii: ":"))
        json.append(body)
        return json
    }
}
