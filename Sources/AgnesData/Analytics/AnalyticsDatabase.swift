import AgnesCore
import DuckDB
import Foundation
import Logging
import Synchronization

/// Read access to the current analytics generation: `server.duckdb` opened read-only with every
/// source's extract attached read-only under its name, served by a small connection pool.
///
/// ``reload()`` opens the newest file as a new generation and makes it current; work that already
/// holds the old generation finishes on it (the old file stays readable through its open handle
/// after the rename), and the old generation closes when its last user is done.
///
/// ```swift
/// let rows = try await analytics.withConnection { try $0.query("SELECT count(*) FROM orders").rows }
/// ```
public final class AnalyticsDatabase: Sendable {
    /// One opened generation.
    public final class Generation: Sendable {
        /// Increases by one with every reload.
        public let number: Int
        /// The read pool.
        public let pool: ConnectionPool
        /// The sources attached.
        public let sources: [String]
        let layout: DataLayout
        /// The tables this generation serves, read once on first use.
        private let served = Mutex<Task<[String: ServedTable], any Error>?>(nil)

        init(number: Int, pool: ConnectionPool, sources: [String], layout: DataLayout) {
            self.number = number
            self.pool = pool
            self.sources = sources
            self.layout = layout
        }

        /// The tables this generation serves, keyed by table id: read from its files on first use
        /// (never on the rebuild path), then answered from memory for the generation's lifetime.
        public func servedTables() async throws -> [String: ServedTable] {
            let task = served.withLock { task in
                if let task { return task }
                let (pool, sources, layout) = (self.pool, self.sources, self.layout)
                let created = Task {
                    try await pool.withConnection { connection in
                        try ServedTableReader.read(on: connection, sources: sources, layout: layout)
                    }
                }
                task = created
                return created
            }
            do {
                return try await task.value
            } catch {
                // A failed read is not remembered: the next caller tries again.
                served.withLock { current in if current == task { current = nil } }
                throw error
            }
        }
    }

    let layout: DataLayout
    let poolSize: Int
    let logger: Logger
    private let current: Mutex<Generation?> = Mutex(nil)
    private let counter = Mutex(0)
    /// Every generation opened, weakly: the ones still alive are the current one and those that running
    /// work holds.
    private let opened = Mutex<[WeakGeneration]>([])

    /// Creates the reader for a data layout; call ``reload()`` to open the first generation.
    public init(layout: DataLayout, poolSize: Int = 2, logger: Logger) {
        self.layout = layout
        self.poolSize = poolSize
        self.logger = logger
    }

    /// The current generation, if one is open.
    public var generation: Generation? { current.withLock { $0 } }

    /// Opens the newest analytics file as the current generation and returns its number.
    @discardableResult
    public func reload() async throws -> Int {
        let number = counter.withLock { value in
            value += 1
            return value
        }
        let layout = self.layout
        let poolSize = self.poolSize
        let generation = try await offloaded("agnes.analytics.open") {
            try Self.open(layout: layout, number: number, poolSize: poolSize)
        }
        opened.withLock { opened in
            opened.removeAll { $0.generation == nil }
            opened.append(WeakGeneration(generation: generation))
        }
        current.withLock { current in
            // A slower, older reload never replaces a newer generation.
            if (current?.number ?? 0) < number { current = generation }
        }
        return number
    }

    /// The generations still open: the current one and older ones that running work still holds.
    public var openGenerations: [Generation] {
        opened.withLock { opened in opened.compactMap(\.generation) }
    }

    /// Runs `body` on a connection of the current generation (which stays alive until `body` ends).
    public func withConnection<T: Sendable>(
        timeout: Duration? = nil, _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        guard let generation = generation else {
            throw DuckDBError(.closed, "the analytics database has not been built yet")
        }
        return try await generation.pool.withConnection(timeout: timeout, body)
    }

    static func open(layout: DataLayout, number: Int, poolSize: Int) throws -> Generation {
        let options = ["threads": "2", "autoinstall_known_extensions": "false", "autoload_known_extensions": "false"]
        let database: Database
        if FileManager.default.fileExists(atPath: layout.analyticsFile.path) {
            var readOnly = options
            readOnly["access_mode"] = "READ_ONLY"
            database = try Database(path: layout.analyticsFile.path, options: readOnly)
        } else {
            database = try Database(options: options)
        }
        // Attachments belong to the database instance: made once, seen by every pooled connection.
        let setup = try database.connect()
        var sources: [String] = []
        for (name, file) in layout.extractFiles() {
            guard let source = Identifier(name) else { continue }
            do {
                try setup.execute("ATTACH \(SQLText.literal(file.path)) AS \(source.quoted) (READ_ONLY)")
                sources.append(name)
            } catch {
                continue  // reported by the rebuild; its views fail to bind and are absent
            }
        }
        let pool = try ConnectionPool(database: database, size: poolSize, label: "analytics.\(number)")
        return Generation(number: number, pool: pool, sources: sources, layout: layout)
    }
}

extension AnalyticsDatabase.Generation {
    /// The names of the version files the extracts attached by this generation list (the files its
    /// views can read); nil when that cannot be told. Blocking.
    func versionFileNames() -> Set<String>? {
        guard let connection = try? pool.database.connect(),
            let files = try? ExtractInspector.versionFiles(of: sources.compactMap { Identifier($0) }, on: connection)
        else { return nil }
        return Set(files.map { URL(fileURLWithPath: $0).lastPathComponent })
    }
}

/// A generation that is not kept alive by being listed.
private struct WeakGeneration {
    weak var generation: AnalyticsDatabase.Generation?
}
