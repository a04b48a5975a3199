import AgnesClient
import DuckDB
import Foundation

/// The workspace's DuckDB file, `user/duckdb/analytics.duckdb`: one view per pulled table over its
/// parquet file, next to whatever tables the analyst created (those are never touched).
///
/// ```swift
/// let table = try await LocalDatabase(workspace: workspace).query("SELECT count(*) FROM orders", limit: 1000)
/// ```
public struct LocalDatabase: Sendable {
    /// The workspace.
    public let workspace: Workspace

    /// Creates a handle (nothing is opened yet).
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// What bringing the views in line did.
    public struct ViewSync: Sendable, Equatable {
        /// Views created or re-created.
        public var created: [String] = []
        /// Views dropped (tables gone from the workspace).
        public var dropped: [String] = []
        /// Tables whose view could not be created, with DuckDB's reason.
        public var failed: [String: String] = [:]
        /// Tables not given a view because the analyst has a table of that name.
        public var shadowed: [String] = []
    }

    /// Makes the views match `tables` (ids with a file in `server/parquet/`): views of other pulled
    /// tables are dropped, missing ones and those in `changed` are (re)created. Tables the analyst
    /// created, and views not over `server/parquet/`, are left alone.
    public func syncViews(tables: Set<String>, changed: Set<String>) async throws -> ViewSync {
        let workspace = workspace
        return try await offloaded("agnes.local-db") {
            try AtomicFile.createDirectory(workspace.databaseDirectory)
            let connection = try Self.open(workspace, readOnly: false)
            let prefix = "read_parquet(" + String(Self.literal(workspace.parquetDirectory.path + "/").dropLast())
            let views = try Dictionary(
                connection.query(
                    "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
                ).rows.map { ($0[0].string ?? "", $0[1].string ?? "") }, uniquingKeysWith: { first, _ in first })
            var baseTables = Set<String>()
            var knowledgeTables = Set<String>()
            for row in try connection.query(
                "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main'"
            ).rows {
                guard let name = row[0].string else { continue }
                if row[1].string == Self.knowledgeMarker {
                    knowledgeTables.insert(name)
                } else {
                    baseTables.insert(name)
                }
            }
            var result = ViewSync()
            for (name, sql) in views.sorted(by: { $0.key < $1.key })
            where !tables.contains(name) && sql.contains(prefix) {
                result.dropped.append(name)
            }
            let snapshots = "read_parquet(" + String(Self.literal(workspace.snapshotsDirectory.path + "/").dropLast())
            var creates: [(table: String, sql: String)] = []
            for table in tables.sorted() {
                // The analyst's own tables and snapshots keep their names.
                if baseTables.contains(table) || views[table]?.contains(snapshots) == true {
                    result.shadowed.append(table)
                    continue
                }
                let source = "read_parquet(" + Self.literal(workspace.parquetFile(table).path) + ")"
                if !changed.contains(table), let sql = views[table], sql.contains(source) { continue }
                creates.append((table, "CREATE OR REPLACE VIEW \(Self.quoted(table)) AS SELECT * FROM \(source)"))
            }
            // Pulled data outranks the knowledge table, which is derived and re-written by every pull: it
            // gives up a name a pulled table needs (the pull then reports that it could not be written).
            let drops =
                result.dropped.map { "DROP VIEW IF EXISTS \(Self.quoted($0))" }
                + creates.filter { knowledgeTables.contains($0.table) }.map {
                    "DROP TABLE IF EXISTS \(Self.quoted($0.table))"
                }
            // One transaction (one commit) for all of them; if any fails, again one by one to find it.
            do {
                try connection.transaction {
                    for statement in drops + creates.map(\.sql) { try connection.execute(statement) }
                }
                result.created = creates.map(\.table)
            } catch {
                for statement in drops { try connection.execute(statement) }
                for create in creates {
                    do {
                        try connection.execute(create.sql)
                        result.created.append(create.table)
                    } catch {
                        result.failed[create.table] = Self.reason(error)
                    }
                }
            }
            return result
        }
    }

    /// What `name` is in the database: a pulled table's view, a snapshot's view, another view, the
    /// corporate-knowledge table, the analyst's table, or nothing. Nil when there is no database yet.
    public func relationKind(_ name: String) async throws -> RelationKind? {
        let workspace = workspace
        guard FileManager.default.fileExists(atPath: workspace.database.path) else { return nil }
        return try await offloaded("agnes.local-db") {
            try Self.kind(of: name, in: Self.open(workspace, readOnly: true), workspace: workspace)
        }
    }

    /// What `name` is, read through `connection` (inside the caller's serialized call).
    static func kind(of name: String, in connection: Connection, workspace: Workspace) throws -> RelationKind {
        if let comment = try connection.query(
            "SELECT comment FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", [.varchar(name)]
        ).rows.first?[0] {
            return comment.string == Self.knowledgeMarker ? .knowledge : .table
        }
        guard
            let sql = try connection.query(
                "SELECT sql FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' AND view_name = ?",
                [.varchar(name)]
            ).rows.first?[0].string
        else { return RelationKind.none }
        if sql.contains(String(Self.literal(workspace.snapshotsDirectory.path + "/").dropLast())) {
            return .snapshot
        }
        if sql.contains(String(Self.literal(workspace.parquetDirectory.path + "/").dropLast())) { return .pulled }
        return .otherView
    }

    /// What a name is in the workspace database.
    public enum RelationKind: Sendable, Equatable {
        /// `knowledge`: the corporate-knowledge table `agnes pull` writes (see ``replaceKnowledge(_:)``).
        case none, pulled, snapshot, otherView, table, knowledge
    }

    /// Creates or replaces the view `name` over the snapshot file `file`.
    public func createSnapshotView(_ name: String, file: URL) async throws {
        let workspace = workspace
        try await offloaded("agnes.local-db") {
            let connection = try Self.open(workspace, readOnly: false)
            try connection.execute(
                "CREATE OR REPLACE VIEW \(Self.quoted(name)) AS SELECT * FROM read_parquet(\(Self.literal(file.path)))")
        }
    }

    /// Drops the view `name` if it is a snapshot's.
    public func dropSnapshotView(_ name: String) async throws {
        guard try await relationKind(name) == .snapshot else { return }
        let workspace = workspace
        try await offloaded("agnes.local-db") {
            try Self.open(workspace, readOnly: false).execute("DROP VIEW IF EXISTS \(Self.quoted(name))")
        }
    }

    /// Runs one statement read-only and returns at most `limit` rows.
    /// Runs `sql` read-only; `registered` parquet files are visible to it as temporary views named by
    /// their keys (the BigQuery results of `agnes query --register-bq`).
    public func query(_ sql: String, limit: Int, registered: [String: URL] = [:]) async throws -> ResultTable {
        let workspace = workspace
        return try await offloaded("agnes.local-db") {
            let connection = try Self.open(workspace, readOnly: true)
            for (name, file) in registered.sorted(by: { $0.key < $1.key }) {
                try connection.execute(
                    "CREATE TEMP VIEW \(Self.quoted(name)) AS SELECT * FROM read_parquet(\(Self.literal(file.path)))")
            }
            do {
                return ResultTable(try connection.query(sql, maxRows: limit))
            } catch {
                throw ClientError(.badRequest, "query failed: \(Self.reason(error))")
            }
        }
    }

    /// The views and tables of the database with their kind (`view` or `table`).
    public func relations() async throws -> [(name: String, kind: String)] {
        let table = try await query(
            """
            SELECT table_name, CASE WHEN table_type = 'VIEW' THEN 'view' ELSE 'table' END
            FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name
            """, limit: 100_000)
        return table.rows.map { ($0[0].text, $0[1].text) }
    }

    /// Opens the database, waiting up to a few seconds for another agnes process to let go of it.
    static func open(_ workspace: Workspace, readOnly: Bool) throws -> Connection {
        let path = workspace.database.path
        guard FileManager.default.fileExists(atPath: path) || !readOnly else {
            throw ClientError(
                .notConfigured, "no local database at \(path)", hint: "Run: agnes pull (in \(workspace.root.path))")
        }
        var options = ["threads": "2"]
        if readOnly { options["access_mode"] = "READ_ONLY" }
        var attempt = 0
        while true {
            do {
                return try Database(path: path, options: options).connect()
            } catch {
                let reason = Self.reason(error)
                attempt += 1
                if reason.lowercased().contains("lock"), attempt < 50 {
                    usleep(100_000)
                    continue
                }
                throw ClientError(
                    .io, "cannot open \(path): \(reason)",
                    hint: reason.lowercased().contains("lock")
                        ? "another agnes or DuckDB process holds the database; try again when it ends" : nil)
            }
        }
    }

    /// DuckDB's message without its error-kind prefix noise.
    static func reason(_ error: any Error) -> String {
        let text = (error as? DuckDBError)?.message ?? (error as? ClientError)?.message ?? "\(error)"
        return text.split(separator: "\n").first.map(String.init) ?? text
    }

    /// `name` as a quoted SQL identifier.
    public static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` as a SQL string literal.
    public static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
