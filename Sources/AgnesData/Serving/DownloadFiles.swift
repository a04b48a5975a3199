import DuckDB
import Foundation
import Synchronization

/// The single parquet file a table is downloaded as (`GET /api/data/{table}/download`), with the
/// content MD5 the manifest announces and clients verify.
///
/// A table with one file is downloaded as that file. A table kept as a base and a delta has no such
/// file, so one is written from both on first demand (a manifest of a caller who may read the table,
/// or a download) and kept for as long as the table may still be asked for at that content: the sync
/// that wrote the delta paid only for the changed rows, and the whole table is written once per change
/// that a client asks for (with syncs more frequent than pulls, not once per sync). A write that fails
/// is tried again after a minute, not on every manifest.
///
/// - Concurrent demands for one table at one content share one write.
/// - Per table, the files of the two contents written last are kept (a generation being replaced and
///   its successor may both be asked for for a moment); an older one, or the file of a table that
///   lost its delta, is deleted once no download holds it (``Lease``).
/// - Every write has a file name of its own, so a lease always names the bytes it was given.
/// - Each process writes under its own directory (`DATA_DIR/tmp/downloads/p<pid>`), removed when the
///   process ends; a directory whose process is gone is removed by the next process that starts.
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

        init(file: URL, md5: String, sizeBytes: Int64, release: @escaping @Sendable () -> Void = {}) {
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

    /// A table at one content.
    struct Key: Hashable, Sendable {
        let table: String
        let version: String
    }

    /// Where a table's file at one content stands.
    enum Entry: Sendable {
        case running(Task<Written, any Error>)
        case written(Written)
        /// The write failed (why, and when): asked again before ``retryAfter``, the answer is that error.
        case failed(String, at: Date)
    }

    struct State: Sendable {
        var entries: [Key: Entry] = [:]
        /// Per table, the contents asked for, the latest first (at most ``kept``).
        var recent: [String: [String]] = [:]
        /// Leases held per file path.
        var leases: [String: Int] = [:]
        /// Files retired while leased: deleted when their last lease goes.
        var retired: Set<String> = []
    }

    /// Contents kept per table.
    static let kept = 2

    /// Where this process writes (see above).
    public let directory: URL
    private let memoryLimit: String
    /// How long a failed write is not tried again.
    private let retryAfter: Duration
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    /// Creates the cache under `root` (`DATA_DIR/tmp/downloads`), in a directory of this process's own;
    /// removes the directories of processes that are gone. A write that failed is tried again after
    /// `retryAfter` (by `now`), not on every manifest.
    public init(
        root: URL, memoryLimit: String = "256MB", retryAfter: Duration = .seconds(60),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        let pid = getpid()
        directory = root.appendingPathComponent("p\(pid)")
        self.memoryLimit = memoryLimit
        self.retryAfter = retryAfter
        self.now = now
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            guard name.hasPrefix("p"), let other = Int32(name.dropFirst()) else { continue }
            if other == pid || (kill(other, 0) != 0 && errno == ESRCH) {
                try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
            }
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The file `table` is downloaded as, written first when the table is a base and a delta; nil for a
    /// table without local data.
    public func file(for table: ServedTable) async throws -> Lease? {
        guard let file = table.file, let md5 = table.md5, let size = table.sizeBytes else { return nil }
        guard let delta = table.delta, let version = table.contentVersion else {
            // One file: what was written for the table while it had a delta is not needed any more.
            let unused = state.withLock { state in
                (state.recent.removeValue(forKey: table.id) ?? []).compactMap {
                    Self.retire(Key(table: table.id, version: $0), in: &state)
                }
            }
            unused.forEach { unlink($0) }
            return Lease(file: file, md5: md5, sizeBytes: size)
        }
        let key = Key(table: table.id, version: version)
        // A file retired between its write and this lease (another generation's request) is written again.
        for _ in 0..<3 {
            let written = try await write(key, base: file, delta: delta)
            let leased = state.withLock { state -> (Lease, [String])? in
                guard case .written(let kept) = state.entries[key], kept.file == written.file else { return nil }
                var unused: [String] = []
                var recent = state.recent[table.id] ?? []
                if recent.first != version {
                    recent.removeAll { $0 == version }
                    recent.insert(version, at: 0)
                    unused = recent.dropFirst(Self.kept).compactMap {
                        Self.retire(Key(table: table.id, version: $0), in: &state)
                    }
                    state.recent[table.id] = Array(recent.prefix(Self.kept))
                }
                state.leases[written.file.path, default: 0] += 1
                let lease = Lease(file: written.file, md5: written.md5, sizeBytes: written.sizeBytes) {
                    [weak self] in self?.release(written.file.path)
                }
                return (lease, unused)
            }
            if let (lease, unused) = leased {
                unused.forEach { unlink($0) }
                return lease
            }
        }
        throw PublishError(message: "the download file of \(table.id) kept being replaced while it was written")
    }

    private enum Step {
        case ready(Written)
        case wait(Task<Written, any Error>)
    }

    /// The write of one table at one content, shared by everyone who asks for it while it runs or
    /// while its file is kept.
    private func write(_ key: Key, base: URL, delta: ServedDelta) async throws -> Written {
        let (directory, memoryLimit, now, retryAfter) = (self.directory, self.memoryLimit, self.now(), self.retryAfter)
        let step = try state.withLock { state -> Step in
            switch state.entries[key] {
            case .running(let task):
                return .wait(task)
            case .written(let written):
                return .ready(written)
            case .failed(let reason, let at) where now.timeIntervalSince(at) < Double(retryAfter.components.seconds):
                throw PublishError(
                    message:
                        "the download file of \(key.table) could not be written (tried again after a minute): \(reason)"
                )
            case .failed, nil:
                let task = Task {
                    try await offloaded("agnes.download.merge") {
                        try Self.write(
                            table: key.table, base: base, delta: delta, into: directory, memoryLimit: memoryLimit)
                    }
                }
                state.entries[key] = .running(task)
                return .wait(task)
            }
        }
        let started: Task<Written, any Error>
        switch step {
        case .ready(let written): return written
        case .wait(let task): started = task
        }
        do {
            let written = try await started.value
            let isKept = state.withLock { state -> Bool in
                switch state.entries[key] {
                case .running(let task) where task == started:
                    state.entries[key] = .written(written)
                    return true
                case .written(let kept):
                    return kept.file == written.file  // recorded by another who waited for this write
                default:
                    return false  // retired while it ran: nobody can lease it
                }
            }
            if !isKept { unlink(written.file.path) }
            return written
        } catch {
            state.withLock { state in
                if case .running(let task) = state.entries[key], task == started {
                    state.entries[key] = .failed("\(error)", at: now)
                }
            }
            throw error
        }
    }

    /// Forgets a table's content; returns its file when nothing holds it (to delete outside the lock),
    /// else it goes when its last lease does.
    private static func retire(_ key: Key, in state: inout State) -> String? {
        guard case .written(let written) = state.entries.removeValue(forKey: key) else { return nil }
        let path = written.file.path
        guard (state.leases[path] ?? 0) == 0 else {
            state.retired.insert(path)
            return nil
        }
        return path
    }

    private func release(_ path: String) {
        let remove = state.withLock { state -> Bool in
            let count = (state.leases[path] ?? 1) - 1
            state.leases[path] = count > 0 ? count : nil
            return count <= 0 && state.retired.remove(path) != nil
        }
        if remove { unlink(path) }
    }

    /// Writes the table from its base and delta to a file of its own, then hashes it. Blocking.
    static func write(table: String, base: URL, delta: ServedDelta, into directory: URL, memoryLimit: String) throws
        -> Written
    {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let unique = UUID().uuidString.lowercased()
        let target = directory.appendingPathComponent("\(table).\(unique).parquet")
        let temporary = directory.appendingPathComponent(".\(table).\(unique).tmp")
        let spill = directory.appendingPathComponent(".spill-\(unique)")
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
            "COPY (\(select)) TO \(SQLText.literal(temporary.path)) \(LayeredRelation.parquetOptions)"
        )
        guard rename(temporary.path, target.path) == 0 else { throw PublishError.system("rename", target.path) }
        let (md5, size) = try Publisher.md5(of: target)
        return Written(file: target, md5: md5, sizeBytes: size)
    }
}
