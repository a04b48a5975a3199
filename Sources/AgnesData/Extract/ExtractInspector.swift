import AgnesCore
import DuckDB
import Foundation

/// Reads and validates an extract attached under its source name.
final class ExtractInspector {
    /// A `_meta` row that passed validation, with its content hash if the extract recorded one.
    struct Table: Sendable {
        let name: Identifier
        let rows: Int64?
        let sizeBytes: Int64?
        let queryMode: String
        let recordedHash: (md5: String, sizeBytes: Int64)?
        /// The immutable version file the extract's view reads (`_content_hashes.version_file`), if any.
        let versionFile: String?
        /// The table's delta (`_content_hashes.delta_*`), if it has one.
        let delta: RecordedDelta?

        /// The version files the table's view reads.
        var versionFiles: [String] { [versionFile, delta?.versionFile].compactMap { $0 } }
    }

    /// A delta as `_content_hashes` records it.
    struct RecordedDelta: Sendable {
        let versionFile: String
        let md5: String
        let sizeBytes: Int64?
    }

    static let reservedNames: Set<String> = ["_meta", "_remote_attach", "_content_hashes", "_remote_tables"]

    static let metaColumns: Set<String> = [
        "table_name", "description", "rows", "size_bytes", "extracted_at", "query_mode",
    ]

    let connection: Connection
    let source: Identifier
    let policy: RemoteAttachPolicy
    /// Which of `_meta`, `_content_hashes`, `_remote_attach` exist (filled by ``tables(issues:)``).
    private var internalTables: Set<String> = []

    init(connection: Connection, source: Identifier, policy: RemoteAttachPolicy) {
        self.connection = connection
        self.source = source
        self.policy = policy
    }

    /// The valid tables; problems go to `issues`. Throws when the extract as a whole is unusable.
    func tables(issues: inout [RebuildIssue]) throws -> [Table] {
        let catalog = source.rawValue
        // One catalog query for everything: every catalog query costs a scan of the catalog.
        var metaColumns: Set<String> = []
        var objects: Set<String> = []
        var internalTables: Set<String> = []
        for row in try connection.query(
            """
            SELECT 'column' AS kind, table_name AS name, column_name FROM duckdb_columns()
                WHERE database_name = ? AND schema_name = 'main' AND table_name = '_meta'
            UNION ALL SELECT 'view', view_name, NULL FROM duckdb_views() WHERE database_name = ? AND schema_name = 'main'
            UNION ALL SELECT 'table', table_name, NULL FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'
            """, [.varchar(catalog), .varchar(catalog), .varchar(catalog)]
        ).records {
            let name = row["name"].string ?? ""
            switch row["kind"].string {
            case "column": metaColumns.insert(row["column_name"].string ?? "")
            case "table":
                objects.insert(name)
                if Self.reservedNames.contains(name) { internalTables.insert(name) }
            default: objects.insert(name)
            }
        }
        self.internalTables = internalTables
        if metaColumns.isEmpty { throw InspectionFailure("extract.duckdb has no _meta table") }
        let missing = Self.metaColumns.subtracting(metaColumns)
        if !missing.isEmpty {
            throw InspectionFailure("_meta lacks the columns \(missing.sorted().joined(separator: ", "))")
        }
        var tables: [Table] = []
        var seen: Set<String> = []
        let hasHashes = internalTables.contains("_content_hashes")
        // Every column `_content_hashes` has: one written before versions or deltas existed, or by a
        // third party, lacks some, and a record reads a missing column as NULL.
        let hashColumns =
            hasHashes
            ? "h.* EXCLUDE (table_name, size_bytes), h.size_bytes AS file_size" : "NULL AS md5, NULL AS file_size"
        let hashJoin =
            hasHashes
            ? "LEFT JOIN (SELECT DISTINCT ON (table_name) * FROM \(source.quoted)._content_hashes) h USING (table_name)"
            : ""
        let rows = try connection.query(
            """
            SELECT m.table_name, m.rows, m.size_bytes, coalesce(m.query_mode, 'local') AS query_mode, \(hashColumns)
            FROM \(source.quoted)._meta m \(hashJoin) ORDER BY m.table_name
            """
        ).records
        for row in rows {
            let rawName = row["table_name"].string ?? ""
            guard let name = Identifier(rawName), !Self.reservedNames.contains(rawName) else {
                issues.append(
                    RebuildIssue(source: catalog, table: rawName, message: "invalid table name in _meta; skipped"))
                continue
            }
            guard seen.insert(name.rawValue).inserted else {
                issues.append(
                    RebuildIssue(
                        source: catalog, table: rawName, message: "listed twice in _meta; the first row is used"))
                continue
            }
            guard objects.contains(name.rawValue) else {
                issues.append(
                    RebuildIssue(
                        source: catalog, table: rawName, message: "_meta names a view that does not exist; skipped"))
                continue
            }
            tables.append(
                Table(
                    name: name, rows: row["rows"].int64, sizeBytes: row["size_bytes"].int64,
                    queryMode: row["query_mode"].string ?? "local",
                    recordedHash: row["md5"].string.flatMap { md5 in row["file_size"].int64.map { (md5, $0) } },
                    versionFile: row["version_file"].string,
                    delta: row["delta_version_file"].string.flatMap { file in
                        row["delta_md5"].string.map {
                            RecordedDelta(versionFile: file, md5: $0, sizeBytes: row["delta_size"].int64)
                        }
                    }))
        }
        return tables
    }

    /// Every version file the `_content_hashes` tables of the extracts attached as `sources` list (none
    /// for an extract without that table or column), the deltas' included. One catalog query, one query
    /// over the tables.
    static func versionFiles(of sources: [Identifier], on connection: Connection) throws -> Set<String> {
        guard !sources.isEmpty else { return [] }
        var columns: [String: [String]] = [:]
        for row in try connection.query(
            """
            SELECT database_name, column_name FROM duckdb_columns()
            WHERE schema_name = 'main' AND table_name = '_content_hashes'
                AND column_name IN ('version_file', 'delta_version_file')
            ORDER BY column_name DESC
            """
        ).rows {
            if let database = row[0].string, let column = row[1].string {
                columns[database, default: []].append(column)
            }
        }
        let selects = sources.flatMap { source in
            (columns[source.rawValue] ?? []).map {
                "SELECT \($0) FROM \(source.quoted)._content_hashes WHERE \($0) IS NOT NULL"
            }
        }
        guard !selects.isEmpty else { return [] }
        return Set(try connection.query(selects.joined(separator: " UNION ALL ")).rows.compactMap { $0[0].string })
    }

    /// The allowed `_remote_attach` rows; disallowed ones are reported and ignored.
    func remoteAttachments(issues: inout [RebuildIssue]) throws -> [RemoteAttach] {
        guard try hasTable("_remote_attach") else { return [] }
        let rows = try connection.query("SELECT alias, extension, url, token_env FROM \(source.quoted)._remote_attach")
            .records
        return rows.compactMap { row in
            let attach = RemoteAttach(
                alias: row["alias"].string ?? "", extensionName: row["extension"].string ?? "",
                url: row["url"].string ?? "",
                tokenEnv: row["token_env"].string ?? "")
            if let violation = policy.violation(of: attach) {
                issues.append(
                    RebuildIssue(source: source.rawValue, message: "_remote_attach row ignored: \(violation)"))
                return nil
            }
            return attach
        }
    }

    private func hasTable(_ name: String) throws -> Bool {
        internalTables.contains(name)
    }
}

/// The extract cannot be used at all.
struct InspectionFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
