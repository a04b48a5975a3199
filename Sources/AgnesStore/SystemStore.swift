import DuckDB
import Foundation
import Logging
import Synchronization

/// The system store, `DATA_DIR/state/system.duckdb`: users, groups, grants, registry, sync state,
/// memory, audit and the rest. One writer at a time (a serialised connection; every write runs in a
/// transaction), concurrent readers from a small pool.
///
/// ```swift
/// let store = try await SystemStore.open(dataDirectory: "/data", logger: logger)
/// let users = DuckDBUserRepository(store: store)
/// ```
public final class SystemStore: Sendable {
    /// The database file, or nil for an in-memory store.
    public let path: String?
    /// The schema version the file had when it was opened.
    public let openedAtVersion: Int
    let database: Database
    let writer: SerializedConnection
    let readers: ConnectionPool
    /// A connection of its own for health checks: they never queue behind reads or writes.
    let probe: SerializedConnection
    /// The last health check, and the one running: checks are shared for ``healthFreshness``.
    private let probes = Mutex<(checked: ContinuousClock.Instant, health: StoreHealth)?>(nil)
    private let probing = Mutex<Task<StoreHealth, Never>?>(nil)
    /// How long a health check answers for: a load balancer polling every few seconds always gets a
    /// fresh read; a flood of polls costs one read a second.
    public static let healthFreshness = Duration.seconds(1)
    let logger: Logger
    private let writes = Atomic<Int>(0)

    /// The schema version this binary writes.
    public static var schemaVersion: Int { Migrations.latest }

    private init(path: String?, database: Database, readerCount: Int, logger: Logger) throws {
        self.path = path
        self.database = database
        self.logger = logger
        let setup: (Connection) throws -> Void = { connection in
            try connection.execute("SET TimeZone = 'UTC'")
            // The store's repositories repeat a few hundred statements over its own tables.
            connection.statementCacheCapacity = 512
        }
        self.writer = try SerializedConnection(database: database, label: "system.writer", setup: setup)
        self.readers = try ConnectionPool(database: database, size: readerCount, label: "system.reader", setup: setup)
        self.probe = try SerializedConnection(database: database, label: "system.probe", setup: setup)
        let migrator = Migrator(path: path, logger: logger)
        let connection = try database.connect()
        try setup(connection)
        self.openedAtVersion = try migrator.migrate(connection).from
        try GroupSeeder.seedSystemGroups(connection)
    }

    /// Opens (creating and migrating as needed) `<dataDirectory>/state/system.duckdb`.
    public static func open(dataDirectory: String, readers: Int = 2, logger: Logger) async throws -> SystemStore {
        let stateDirectory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("state")
        let path = stateDirectory.appendingPathComponent("system.duckdb").path
        return try await offloaded("agnes.store.open") {
            try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
            let database = try openDatabase(path: path)
            return try SystemStore(path: path, database: database, readerCount: readers, logger: logger)
        }
    }

    /// An in-memory store (tests and tools).
    public static func inMemory(logger: Logger = Logger(label: "agnes.store")) async throws -> SystemStore {
        try await offloaded("agnes.store.open") {
            try SystemStore(path: nil, database: Database(options: ["threads": "1"]), readerCount: 1, logger: logger)
        }
    }

    private static func openDatabase(path: String) throws -> Database {
        do {
            return try Database(path: path, options: ["threads": "2"])
        } catch let error as DuckDBError {
            if error.message.contains("lock") {
                throw StoreError(
                    .locked,
                    "\(path) is in use by another process (\(error.message)); stop the other agnes server first",
                    cause: error)
            }
            let backups =
                (try? FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent))?
                .filter { $0.hasPrefix("system.duckdb.pre-migrate") }.sorted() ?? []
            let hint =
                backups.last.map { "restore the backup \($0) next to it, or move the file away to start empty" }
                ?? "move the file away to start with an empty store, or restore it from a backup"
            throw StoreError(
                .unreadable, "\(path) cannot be opened as a DuckDB database: \(error.message). Fix: \(hint)",
                cause: error)
        }
    }

    /// Runs `body` on a reader connection.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await readers.withConnection(body)
    }

    /// Runs `body` on the single writer connection, inside a transaction.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await writer.run { [self] connection in
            // Counted before and after (odd while a write runs): a read that saw the same even
            // count on both sides of itself overlapped no write.
            writes.add(1, ordering: .sequentiallyConsistent)
            defer { writes.add(1, ordering: .sequentiallyConsistent) }
            return try StoreError.mapping { try connection.transaction { try body(connection) } }
        }
    }

    /// A number that changes whenever a write starts or ends: caches of store rows compare it to
    /// know whether anything may have changed since they read.
    public var writeCount: Int { writes.load(ordering: .sequentiallyConsistent) }

    /// The current schema version and whether it is the one this binary expects: a real read of the
    /// store, on a connection of its own (a health check must not wait for the readers or the writer),
    /// at most ``healthFreshness`` old; concurrent callers share one read.
    public func health() async -> StoreHealth {
        let now = ContinuousClock.now
        if let last = probes.withLock({ $0 }), now - last.checked < Self.healthFreshness { return last.health }
        let task = probing.withLock { running -> Task<StoreHealth, Never> in
            if let running { return running }
            let task = Task { [self] in
                let health = await probeNow()
                probes.withLock { $0 = (ContinuousClock.now, health) }
                probing.withLock { $0 = nil }
                return health
            }
            running = task
            return task
        }
        return await task.value
    }

    /// Reads the schema version now.
    public func probeNow() async -> StoreHealth {
        do {
            let current = try await probe.run { connection in
                try connection.query("SELECT coalesce(max(version), 0) FROM schema_version").rows[0][0].int ?? 0
            }
            return StoreHealth(current: current, expected: Self.schemaVersion, error: nil)
        } catch {
            return StoreHealth(current: nil, expected: Self.schemaVersion, error: "\(error)")
        }
    }
}

/// The store's schema health, as `/api/health` reports it.
public struct StoreHealth: Sendable, Hashable {
    /// The recorded version, nil when unreachable.
    public let current: Int?
    /// The version this binary writes.
    public let expected: Int
    /// Why the store could not be read, if it could not.
    public let error: String?

    /// `ok`, `mismatch` or `unreachable`.
    public var status: String {
        guard let current else { return "unreachable" }
        return current == expected ? "ok" : "mismatch"
    }
}

extension StoreError {
    /// Maps DuckDB constraint violations to `.conflict`, leaving other errors alone.
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DuckDBError where error.kind == .constraint {
            throw StoreError(.conflict, error.message, cause: error)
        }
    }
}
