import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The per-table lock of materializations (REFERENCE §4.1 step 4): a table whose materialization is in
/// flight is not materialized again until it ends; that run skips it with reason `in_flight`.
///
/// Two layers: a set of table ids in this process, and an advisory `flock` on
/// `DATA_DIR/state/locks/<source>-materialize-<id>.lock` for other processes on the same data directory.
/// A lock file whose holder has kept it longer than the TTL (`materialize.lock_ttl_seconds`) is taken
/// as stale: it is replaced by a new file, which the next run locks (a crashed holder's `flock` is
/// released by the kernel at once; the TTL covers a holder that hangs).
final class MaterializationLocks: Sendable {
    private let directory: URL
    private let source: String
    private let inProcess = Mutex<Set<String>>([])

    /// Locks of `source`'s materializations (the lock files' prefix), under `directory`.
    init(directory: URL, source: String = "keboola") {
        self.directory = directory
        self.source = source
    }

    /// A lock held until ``Held/release()``.
    final class Held: Sendable {
        private let descriptor: Int32
        private let id: String
        private let owner: MaterializationLocks

        fileprivate init(descriptor: Int32, id: String, owner: MaterializationLocks) {
            self.descriptor = descriptor
            self.id = id
            self.owner = owner
        }

        /// Releases the file lock (the file stays: removing it could let two holders lock two files).
        func release() {
            flock(descriptor, LOCK_UN)
            close(descriptor)
            _ = owner.inProcess.withLock { $0.remove(id) }
        }
    }

    /// Whether any materialization of this process is in flight.
    var isBusy: Bool { inProcess.withLock { !$0.isEmpty } }

    /// Takes table `id`'s lock, nil when its materialization is in flight here or in another process.
    func acquire(_ id: String, ttl: Duration) -> Held? {
        let isNew = inProcess.withLock { $0.insert(id).inserted }
        guard isNew else { return nil }
        guard let descriptor = lockFile(id, ttl: ttl) else {
            _ = inProcess.withLock { $0.remove(id) }
            return nil
        }
        return Held(descriptor: descriptor, id: id, owner: self)
    }

    private func lockFile(_ id: String, ttl: Duration) -> Int32? {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(source)-materialize-\(id).lock").path
        for attempt in 0..<2 {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { return nil }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                // The file's time says when this holder took it, for the TTL of other processes.
                let stamp = "\(getpid()) \(Int(Date().timeIntervalSince1970))\n"
                ftruncate(descriptor, 0)
                _ = stamp.withCString { write(descriptor, $0, strlen($0)) }
                return descriptor
            }
            var info = stat()
            let isStale =
                fstat(descriptor, &info) == 0
                && Date().timeIntervalSince1970 - Double(info.st_mtim.tv_sec) > Double(ttl.components.seconds)
            close(descriptor)
            guard attempt == 0, isStale else { return nil }
            unlink(path)  // a holder past the TTL: its file is replaced, the new one is locked
        }
        return nil
    }
}
