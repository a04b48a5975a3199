import DuckDB
import Foundation
import Synchronization

/// The single parquet file a table is downloaded as (`GET /api/data/{table}/download`), with the
/// content MD5 the manifest announces and clients verify.
///
/// A table with one file is downloaded as that file. A table kept as a base and a delta has no such
/// file, so one is written from both on first demand (a manifest or a download) and kept under
/// `DATA_DIR/tmp/downloads` for as long as the table stays that content: the sync that wrote the
/// delta paid only for the changed rows, and the whole table is written once per change that
/// someone downloads, never once per sync. Concurrent demands share one write. A superseded file is
/// deleted once no download is reading it.
public final class DownloadFiles: Sendable {
    /// A downloadable file. Holding it keeps the file on disk.
    public final class Lease: Sendable {
        /// The file.
        public let file: URL
        /// Its content MD5 (32 lowercase hex).
        public let md5: String
        /// Its size in bytes.
        public let sizeBytes: Int64
        let release: @Sendable () -> Void

        init(file: URL, md5: String, sizeBytes: Int64, release: @escaping @Sendable () -> Void) {
            self.file = file
            self.md5 = md5
            self.sizeBytes = sizeBytes
            self.release = release
        }

        deinit { release() }
    }

    struct Written: Sendable {
        let file: URL
        let md5: String
        let sizeBytes: Int64
    }

    struct State: Sendable {
        /// Content version → its write (running or done).
        var writes: [String: Task<Written, any Error>] = [:]
        /// Content version → its written file's path, once written.
        var files: [String: String] = [:]
        /// Table → the content version it was last written for.
        var current: [String: String] = [:]
        /// Leases held per written file path.
        var leases: [String: Int] = [:]
        /// Files superseded while leased: deleted when their last lease goes.
        var superseded: Set<String> = []
    }

    /// Where written files go (emptied when the server starts).
    public let directory: URL
    private let memoryLimit: String
    private let state = Mutex(State())

    /// Creates the cache in `directory`, removing what a previous process left there.
    public init(directory: URL, memoryLimit: String = "256MB") {
        self.directory = directory
        self.memoryLimit = memoryLimit
        try? FileManager.default.removeItem(at: directory)
    }

    /// The file `table` is downloaded as, written first when the table is a base and a delta; nil for a
    /// table without local data.
    public func file(for table: ServedTable) async throws -> Lease? {
        guard let file = table.file, let md5 = table.md5, let size = table.sizeBytes else { return nil }
        guard let delta = table.delta, let version = table.contentVersion else {
            return Lease(file: file, md5: md5, sizeBytes: size, release: {})
        }
        // Twice at most: a file retired between its write and this lease is written again.
        for _ in 0..<2 {
            let written = try await write(table: table.id, base: file, delta: delta, version: version)
            let lease = state.withLock { state -> Lease? in
                guard FileManager.default.fileExists(atPath: written.file.path) else {
                    state.writes[version] = nil
                    state.files[version] = nil
                    return nil
                }
                if let old = state.current[table.id], old != version {
                    // A newer content of the table: the older file goes once nothing reads it.
                    Self.retire(version: old, in: &state)
                }
                state.current[table.id] = version
                state.leases[written.file.path, default: 0] += 1
                return Lease(file: written.file, md5: written.md5, sizeBytes: written.sizeBytes) { [weak self] in
                    self?.release(written.file.path)
                }
            }
            if let lease { return lease }
        }
        throw PublishError.system("write", directory.appendingPathComponent(table.id).path)
    }

    /// The write of one content version, shared by everyone who asks for it while it runs.
    private func write(table: String, base: URL, delta: ServedDelta, version: String) async throws -> Written {
        let (directory, memoryLimit) = (self.directory, self.memoryLimit)
        let task = state.withLock { state -> Task<Written, any Error> in
            if let running = state.writes[version] { return running }
            let task = Task {
                try await offloaded("agnes.download.merge") {
                    try Self.write(
                        table: table, base: base, delta: delta, version: version, into: directory,
                        memoryLimit: memoryLimit)
                }
            }
            state.writes[version] = task
            return task
        }
        do {
            let written = try await task.value
            state.withLock { $0.files[version] = written.file.path }
            return written
        } catch {
            state.withLock { state in
                if state.writes[version] == task { state.writes[version] = nil }
            }
            throw error
        }
    }

    /// Deletes a superseded version's file now, or when its last lease goes.
    private static func retire(version: String, in state: inout State) {
        state.writes[version] = nil
        guard let path = state.files.removeValue(forKey: version) else { return }
        if (state.leases[path] ?? 0) > 0 {
            state.superseded.insert(path)
        } else {
            unlink(path)
        }
    }

    private func release(_ path: String) {
        let remove = state.withLock { state -> Bool in
            let count = (state.leases[path] ?? 1) - 1
            state.leases[path] = count > 0 ? count : nil
            return count <= 0 && state.superseded.remove(path) != nil
        }
        if remove { unlink(path) }
    }

    /// Writes the table from its base and delta, then hashes it. Blocking.
    static func write(
        table: String, base: URL, delta: ServedDelta, version: String, into directory: URL, memoryLimit: String
    ) throws -> Written {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = "\(table).\(version.replacingOccurrences(of: "+", with: "-")).parquet"
        let target = directory.appendingPathComponent(name)
        let temporary = directory.appendingPathComponent(".\(name).\(UUID().uuidString.prefix(8))")
        let spill = directory.appendingPathComponent(".spill-\(UUID().uuidString.prefix(8))")
        defer {
            try? FileManager.default.removeItem(at: spill)
            unlink(temporary.path)
        }
        let database = try Database(options: [
            "threads": "2", "memory_limit": memoryLimit, "temp_directory": spill.path,
            "autoload_known_extensions": "false", "autoinstall_known_extensions": "false",
        ])
        let select = LayeredRelation.select(base: base.path, delta: delta.file.path, key: delta.key)
        try database.connect().execute(
            "COPY (\(select)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
        )
        guard rename(temporary.path, target.path) == 0 else { throw PublishError.system("rename", target.path) }
        let (md5, size) = try Publisher.md5(of: target)
        return Written(file: target, md5: md5, sizeBytes: size)
    }
}
