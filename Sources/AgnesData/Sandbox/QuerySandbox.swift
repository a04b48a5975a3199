import AgnesCore
import DuckDB
import Foundation

/// A DuckDB database that holds only the views one set of callers may read, and nothing else that
/// reaches outside it (DESIGN decision 5, `spec/SECURITY.md`):
///
/// - in memory, one view per permitted local table, each reading exactly that table's immutable file,
///   reached through a descriptor path of ``SandboxFiles`` so that no path of the server shows in view
///   definitions, plans, errors or settings;
/// - `allowed_paths` = exactly those files, then `enable_external_access = false` (no other file, no
///   network, no ATTACH, COPY, INSTALL), extension autoload and autoinstall off, no secrets (no
///   persistent secrets, and a home directory that does not exist);
/// - `threads`, `memory_limit` and `max_temp_directory_size` set, `lock_configuration = true` last, so
///   user SQL cannot `SET` any of it back;
/// - every query must be exactly one SELECT statement by DuckDB's own parser, runs under an
///   interrupt-based timeout and streams at most `limit + 1` rows.
///
/// A remote table (`query_mode='remote'`, whose source has a ``RemoteTableReader``) is a view that
/// casts the text columns of the `agnes_remote('<id>')` table function, a Swift scan registered
/// through DuckDB's C API that asks the source for the columns the query reads (projection
/// pushdown) with the query's simple conditions and LIMIT (``RemotePushdown``). The function
/// reaches nothing but the readers this sandbox was given, for the tables it holds.
///
/// A table the caller may not read is simply absent: asking for it is the same catalog error as asking
/// for a table that does not exist, so the sandbox is no oracle for table names either.
public final class QuerySandbox: Sendable {
    /// The tables (ids) this sandbox holds.
    public let tables: [String]
    let pool: ConnectionPool
    let timeout: Duration
    /// The files the sandbox reads and its spill directory (released when the sandbox goes).
    let mount: SandboxMount
    /// Whatever must stay alive while the sandbox reads its files (the generation that serves them).
    let owner: (any Sendable)?
    /// The remote tables it holds (id → columns), and the pushdowns of its running queries.
    let remoteColumns: [String: [RemoteColumn]]
    let pushdowns = RemotePushdowns()

    /// The name of the table function remote views read.
    static let remoteFunction = "agnes_remote"

    /// Builds a sandbox over `tables` (those without a local file are left out), reaching them and
    /// spilling through `files`. Blocking.
    public init(
        tables: [ServedTable], limits: SandboxLimits, files: SandboxFiles, owner: (any Sendable)? = nil,
        remote sources: RemoteSources = .none
    ) throws {
        let local = tables.filter { $0.file != nil && Identifier.isValid($0.id) }.sorted { $0.id < $1.id }
        let remote = tables.filter {
            $0.file == nil && $0.queryMode == "remote" && Identifier.isValid($0.id) && !$0.remoteColumns.isEmpty
                && sources.readers[$0.source] != nil
        }.sorted { $0.id < $1.id }
        let mount = try files.mount(local.flatMap(\.dataFiles))
        let database = try Database(options: [
            "threads": String(limits.threads),
            "memory_limit": limits.memoryLimit,
            "max_temp_directory_size": limits.maxTempDirectorySize,
            "temp_directory": mount.spill,
            "home_directory": "/nonexistent",
            "allow_persistent_secrets": "false",
            "autoload_known_extensions": "false",
            "autoinstall_known_extensions": "false",
        ])
        let setup = try database.connect()
        var mounted = mount.files[...]
        for table in local {
            // Each data file of the table, in order, by the path the mount gives it.
            let paths = Dictionary(uniqueKeysWithValues: zip(table.dataFiles, mounted.prefix(table.dataFiles.count)))
            mounted = mounted.dropFirst(table.dataFiles.count)
            try setup.execute("CREATE VIEW \"\(table.id)\" AS \(table.select { paths[$0]! }!)")
        }
        let remoteColumns = Dictionary(uniqueKeysWithValues: remote.map { ($0.id, $0.remoteColumns) })
        let pushdowns = self.pushdowns
        if !remote.isEmpty {
            let readers = Dictionary(uniqueKeysWithValues: remote.map { ($0.id, sources.readers[$0.source]!) })
            let timeout = limits.timeout
            try setup.register(
                TextTableFunction(name: Self.remoteFunction, parameterCount: 1) { arguments, connection in
                    guard let id = arguments.first, let columns = remoteColumns[id], let reader = readers[id] else {
                        throw TableFunctionError("\(Self.remoteFunction): no such remote table")
                    }
                    return RemoteTableScan(
                        tableID: id, columns: columns, reader: reader,
                        plan: pushdowns.plan(table: id, connection: connection), timeout: timeout,
                        onRefusal: { pushdowns.refuse($0, on: connection) },
                        meter: RemoteScanMeter { pushdowns.add(bytes: $0, on: connection) },
                        isCancelled: { pushdowns.isCancelled(connection) })
                })
            for table in remote {
                try setup.execute(Self.remoteView(table))
            }
        }
        let paths = mount.files.map { SQLText.literal($0) }.joined(separator: ", ")
        try setup.execute("SET allowed_paths = [\(paths)]")
        try setup.execute("SET enable_external_access = false")
        try setup.execute("SET lock_configuration = true")
        self.tables = (local + remote).map(\.id).sorted()
        self.remoteColumns = remoteColumns
        self.pool = try ConnectionPool(database: database, size: max(1, limits.connections), label: "sandbox")
        self.timeout = limits.timeout
        self.mount = mount
        self.owner = owner
    }

    /// `CREATE VIEW` of a remote table: each text column of the scan cast to its type, by the readers'
    /// contract (``RemoteTableReader``): an empty string is NULL for every type but VARCHAR (as in the
    /// sources' CSV exports), a BLOB comes as base64, a LIST, STRUCT or MAP as JSON.
    static func remoteView(_ table: ServedTable) -> String {
        let columns = table.remoteColumns.map { column -> String in
            let name = SQLText.identifier(column.name)
            let type = column.type.uppercased()
            if type == "VARCHAR" { return name }
            if type == "BLOB" { return "from_base64(\(name)) AS \(name)" }
            if type.hasSuffix("]") || type.hasPrefix("STRUCT") || type.hasPrefix("MAP") {
                return "CAST(CAST(NULLIF(\(name), '') AS JSON) AS \(column.type)) AS \(name)"
            }
            return "CAST(NULLIF(\(name), '') AS \(column.type)) AS \(name)"
        }
        return
            "CREATE VIEW \(SQLText.identifier(table.id)) AS SELECT \(columns.joined(separator: ", ")) FROM \(remoteFunction)(\(SQLText.literal(table.id)))"
    }

    /// What of `sql` can be pushed to the sources of the remote tables it reads; nothing when it
    /// names none of them. Parsing only.
    func pushdownPlans(_ sql: String, on connection: Connection) -> [String: RemotePushdown.Plan] {
        guard !remoteColumns.isEmpty else { return [:] }
        let lowered = sql.lowercased()
        let named = remoteColumns.filter { lowered.contains($0.key.lowercased()) }
        guard !named.isEmpty,
            let json = try? connection.query("SELECT json_serialize_sql(?)", [.varchar(sql)]).rows.first?[0].string
        else { return [:] }
        return RemotePushdown.plans(tree: json, remote: named)
    }

    /// Whether DuckDB's parser reads `sql` as SELECT statements (`json_serialize_sql` serializes
    /// nothing else). Parsing only: nothing is bound or run.
    static func isSelect(_ sql: String, on connection: Connection) -> Bool {
        guard let json = try? connection.query("SELECT json_serialize_sql(?)", [.varchar(sql)]).rows.first?[0].string
        else { return false }
        return !json.hasPrefix(#"{"error":true"#)
    }

    /// Runs `sql` (one SELECT) and returns up to `limit` rows.
    public func run(_ sql: String, limit: Int) async throws(SandboxError) -> SandboxResult {
        let timeout = self.timeout
        // A caller that goes away (the request's task is cancelled) also stops a remote scan waiting for
        // its source; DuckDB's own interrupt is seen only between chunks.
        let cancellation = CancellationFlag()
        do {
            return try await withTaskCancellationHandler {
                try await runOnPool(sql, limit: limit, timeout: timeout, cancellation: cancellation)
            } onCancel: {
                cancellation.set()
            }
        } catch let error as SandboxError {
            throw error
        } catch let error as DuckDBError {
            if error.code == .timeout { throw .timedOut(timeout) }
            throw .query(error.message)
        } catch {
            throw .query("\(error)")
        }
    }

    private func runOnPool(_ sql: String, limit: Int, timeout: Duration, cancellation: CancellationFlag) async throws
        -> SandboxResult
    {
        try await pool.withConnection(timeout: timeout) { connection in
            let connectionID = connection.id
            self.pushdowns.watch(cancellation, on: connectionID)
            self.pushdowns.set(self.pushdownPlans(sql, on: connection), for: connectionID)
            _ = self.pushdowns.takeRefusal(connectionID)
            _ = self.pushdowns.takeBytes(connectionID)
            defer { self.pushdowns.clear(connectionID) }
            do {
                var result = try self.execute(sql, limit: limit, on: connection)
                result.remoteBytes = self.pushdowns.takeBytes(connectionID)
                return result
            } catch {
                // A source's refusal reaches DuckDB as text; answer with the refusal itself.
                if let refusal = self.pushdowns.takeRefusal(connectionID) { throw SandboxError.refused(refusal) }
                throw error
            }
        }
    }

    /// Prepares and runs one SELECT on `connection`. Blocking.
    private func execute(_ sql: String, limit: Int, on connection: Connection) throws -> SandboxResult {
        let statement: PreparedStatement
        do {
            statement = try connection.prepareSingle(sql)
        } catch let error as DuckDBError {
            if error.code == .parse, error.message.hasPrefix("expected one statement") {
                throw SandboxError.notSingleSelect(error.message)
            }
            // Binding failed; say "not a SELECT" rather than a binder detail when it is not one.
            if error.kind != .parser, !Self.isSelect(sql, on: connection) {
                throw SandboxError.notSingleSelect("not a SELECT statement")
            }
            throw SandboxError.query(error.message)
        }
        guard statement.statementType == .select else {
            throw SandboxError.notSingleSelect("a \(statement.statementType) statement")
        }
        return try statement.stream(lazily: true) { stream in
            let result = try stream.materialize(maxRows: limit)
            return SandboxResult(columns: result.columns, rows: result.rows, isTruncated: result.isTruncated)
        }
    }
}
