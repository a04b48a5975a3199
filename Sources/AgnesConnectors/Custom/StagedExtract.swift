import AgnesCore
import AgnesData
import DuckDB
import Foundation

/// A custom connector's output directory (`extract.duckdb` + its data files), checked against the
/// extract contract before anything of it is published:
///
/// - no symbolic link anywhere in the directory; `extract.duckdb` a regular file;
/// - `_meta` with the contract's columns, at least one row, every `table_name` a strict identifier
///   (not `_meta`, `_remote_attach`, `_content_hashes`), listed once, `query_mode` `local` (or null),
///   and a view or table of that name;
/// - a view is either `SELECT * FROM read_parquet(<files>)` over files inside the directory (paths
///   relative to it, as the connector wrote them from its working directory, or absolute inside it), or
///   a query that reads no file outside the directory;
/// - `_remote_attach` rows on the allowlists of the ``RemoteAttachPolicy``.
///
/// The extract is read on an in-memory DuckDB that may touch only the output directory and the
/// directory the published files are written to (`allowed_directories`, then
/// `enable_external_access = false` and `lock_configuration`), so that even a view the checks let
/// through cannot read a file elsewhere while it is converted.
struct StagedExtract {
    /// Where a table's rows come from.
    enum Rows: Equatable {
        /// One parquet file, published as it is.
        case parquetFile(URL)
        /// Several files or a glob, absolute, converted into one file.
        case parquetFiles([String])
        /// A table or a view of the extract, converted into one file.
        case relation
    }

    /// A `_meta` row that passed.
    struct Table {
        let name: Identifier
        let description: String?
        let extractedAt: Date?
        let rows: Rows
    }

    /// The catalog name the staged extract is attached under.
    static let catalog = "staged"
    static let metaColumns = ["table_name", "description", "rows", "size_bytes", "extracted_at", "query_mode"]
    static let remoteAttachColumns = ["alias", "extension", "url", "token_env"]
    static let reservedNames: Set<String> = ["_meta", "_remote_attach", "_content_hashes"]
    /// Problems listed in one error before the rest are counted.
    static let problemsShown = 8

    /// The output directory.
    let output: URL
    /// The sandboxed connection with the extract attached as ``catalog``.
    let connection: Connection
    /// The tables, by name.
    let tables: [Table]
    /// The allowed `_remote_attach` rows.
    let remoteAttach: [RemoteAttach]

    /// Checks `output`; `publishing` is the one other directory the connection may write to (where the
    /// converted files are published). `spill` is DuckDB's temporary directory. Blocking.
    static func open(output: URL, publishing: URL, spill: URL, policy: RemoteAttachPolicy) throws(CustomConnectorError)
        -> StagedExtract
    {
        let output = output.standardizedFileURL
        try checkFiles(in: output)
        let connection = try sandbox(reading: output, writing: publishing, spill: spill)
        let extract = output.appendingPathComponent("extract.duckdb")
        do {
            try connection.execute("ATTACH \(SQLText.literal(extract.path)) AS \(catalog) (READ_ONLY)")
        } catch {
            throw CustomConnectorError(
                .invalidOutput, "extract.duckdb cannot be opened as a DuckDB database: \(describe(error))", cause: error
            )
        }
        let objects = try catalogObjects(connection)
        let tables = try readMeta(connection, objects: objects, output: output)
        let remoteAttach = try readRemoteAttach(connection, objects: objects, policy: policy)
        return StagedExtract(output: output, connection: connection, tables: tables, remoteAttach: remoteAttach)
    }

    /// An in-memory DuckDB that can read only `reading` and write only `writing`.
    private static func sandbox(reading: URL, writing: URL, spill: URL) throws(CustomConnectorError) -> Connection {
        do {
            try FileManager.default.createDirectory(at: writing, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: spill, withIntermediateDirectories: true)
            let database = try Database(options: [
                "threads": "2", "autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
                "temp_directory": spill.path,
            ])
            let connection = try database.connect()
            let directories = [reading, writing, spill].map { SQLText.literal($0.standardizedFileURL.path + "/") }
            try connection.execute("SET allowed_directories = [\(directories.joined(separator: ", "))]")
            try connection.execute("SET enable_external_access = false")
            try connection.execute("SET lock_configuration = true")
            return connection
        } catch {
            throw CustomConnectorError(
                .publish, "cannot prepare the database that checks the output: \(error)", cause: error)
        }
    }

    /// What the attached extract holds: object name (lower-cased) → kind (`table` or `view`) and, for
    /// views, their SQL; plus the columns of `_meta` and `_remote_attach`.
    struct Objects {
        var kinds: [String: (name: String, kind: String, sql: String?)] = [:]
        var columns: [String: Set<String>] = [:]
    }

    private static func catalogObjects(_ connection: Connection) throws(CustomConnectorError) -> Objects {
        var objects = Objects()
        do {
            for row in try connection.query(
                """
                SELECT 'column' AS kind, table_name AS name, column_name AS detail FROM duckdb_columns()
                    WHERE database_name = ? AND schema_name = 'main' AND table_name IN ('_meta', '_remote_attach')
                UNION ALL SELECT 'view', view_name, sql FROM duckdb_views()
                    WHERE database_name = ? AND schema_name = 'main' AND NOT internal
                UNION ALL SELECT 'table', table_name, NULL FROM duckdb_tables()
                    WHERE database_name = ? AND schema_name = 'main' AND NOT internal
                """, [.varchar(catalog), .varchar(catalog), .varchar(catalog)]
            ).records {
                let name = row["name"].string ?? ""
                let detail = row["detail"].string
                switch row["kind"].string {
                case "column": objects.columns[name, default: []].insert((detail ?? "").lowercased())
                case let kind?: objects.kinds[name.lowercased()] = (name, kind, detail)
                default: break
                }
            }
        } catch {
            throw CustomConnectorError(
                .invalidOutput, "extract.duckdb's catalog cannot be read: \(describe(error))", cause: error)
        }
        return objects
    }

    static func describe(_ error: any Error) -> String {
        (error as? DuckDBError)?.message ?? "\(error)"
    }

    /// One error listing the first problems.
    static func contractError(_ problems: [String], code: CustomConnectorError.Code = .invalidOutput)
        -> CustomConnectorError
    {
        var text = problems.prefix(problemsShown).joined(separator: "; ")
        if problems.count > problemsShown { text += "; and \(problems.count - problemsShown) more" }
        return CustomConnectorError(code, "extract.duckdb breaks the extract contract: \(text)")
    }
}
