import CDuckDB
import Foundation
import Synchronization

/// An open DuckDB database: a file, or an in-memory database when `path` is nil.
///
/// The handle is thread-safe in DuckDB itself (connections may be opened from any thread), so the
/// owner is `Sendable`; each ``Connection`` it opens is not.
///
/// ```swift
/// let db = try Database(path: "/data/state/system.duckdb", options: ["threads": "2"])
/// let connection = try db.connect()
/// ```
public final class Database: @unchecked Sendable {
    // Safe to share: DuckDB synchronises access to a database instance internally, and the handle is
    // only closed in deinit, after every Connection (which retains this object) is gone.
    let handle: duckdb_database
    /// The file path, or nil for an in-memory database.
    public let path: String?
    /// The path this instance holds read-write, released when it has closed.
    private let writablePath: String?

    /// Opens (creating if needed) a database with DuckDB configuration options such as
    /// `threads`, `memory_limit`, `access_mode` (`READ_ONLY`) or `enable_external_access`.
    public init(path: String? = nil, options: [String: String] = [:]) throws {
        var config: duckdb_config?
        guard duckdb_create_config(&config) == 0, config != nil else {
            throw DuckDBError(.open, "could not allocate a DuckDB configuration")
        }
        defer { duckdb_destroy_config(&config) }
        // Order matters for a few settings (e.g. allowed_directories before enable_external_access),
        // so options are applied in a fixed order: everything else first, the lockdown keys last.
        for (name, value) in Self.ordered(options) where duckdb_set_config(config, name, value) != 0 {
            throw DuckDBError(.open, "invalid DuckDB option \(name)=\(value)", kind: .invalidConfiguration)
        }
        let writablePath = Self.isWritableFile(path, options) ? path : nil
        if let writablePath { WritableFiles.claim(writablePath) }
        var database: duckdb_database?
        var error: UnsafeMutablePointer<CChar>?
        let state = duckdb_open_ext(path ?? ":memory:", &database, config, &error)
        if state != 0 || database == nil {
            if let writablePath { WritableFiles.release(writablePath) }
            let message = error.map { String(cString: $0) } ?? "could not open database"
            if let error { duckdb_free(error) }
            throw DuckDBError(.open, message, kind: .io)
        }
        self.handle = database!
        self.path = path
        self.writablePath = writablePath
    }

    deinit {
        var database: duckdb_database? = handle
        duckdb_close(&database)
        if let writablePath { WritableFiles.release(writablePath) }
    }

    /// Opens a new connection. A connection must be used by one thread at a time.
    public func connect() throws -> Connection {
        try Connection(database: self)
    }

    /// The DuckDB library version, e.g. `v2.0.1`.
    public static var libraryVersion: String {
        String(cString: duckdb_library_version())
    }

    private static func isWritableFile(_ path: String?, _ options: [String: String]) -> Bool {
        guard let path, path != ":memory:", !path.isEmpty else { return false }
        return options["access_mode"]?.uppercased() != "READ_ONLY"
    }

    private static let lastKeys = ["enable_external_access", "lock_configuration"]

    private static func ordered(_ options: [String: String]) -> [(String, String)] {
        let first = options.filter { !lastKeys.contains($0.key) }.sorted { $0.key < $1.key }
        let last = lastKeys.compactMap { key in options[key].map { (key, $0) } }
        return first + last
    }
}

/// The files this process holds open read-write. A file is opened read-write by one instance at a
/// time: closing an instance checkpoints and deletes its write-ahead log, and a close still running
/// on another thread (the last connection of a dropped database released there) would delete the log
/// of an instance that has just reopened the file. A new instance waits, bounded, for the old one to
/// finish closing; past the bound it opens anyway, as it did before this rule.
enum WritableFiles {
    private struct Files {
        var open: [String: Int] = [:]
        var waiting: [String: Int] = [:]
    }

    private static let files = Mutex(Files())
    /// How long an open waits for an earlier instance of the same file to close.
    static let patience = Duration.seconds(10)

    static func claim(_ path: String) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: patience)
        var isWaiting = false
        while true {
            let claimed = files.withLock { files -> Bool in
                if files.open[path, default: 0] > 0, clock.now < deadline {
                    if !isWaiting { files.waiting[path, default: 0] += 1 }
                    return false
                }
                if isWaiting { files.waiting[path, default: 1] -= 1 }
                files.open[path, default: 0] += 1
                return true
            }
            if claimed { return }
            isWaiting = true
            usleep(1_000)
        }
    }

    static func release(_ path: String) {
        files.withLock { files in
            let count = files.open[path, default: 1] - 1
            files.open[path] = count > 0 ? count : nil
        }
    }

    /// How many opens of `path` wait for an earlier instance to close (tests).
    static func waiting(_ path: String) -> Int {
        files.withLock { $0.waiting[path, default: 0] }
    }
}
