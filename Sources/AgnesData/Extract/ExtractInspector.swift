import AgnesCore
import DuckDB
import Foundation

/// Reads and validates an extract attached under its source name.
struct ExtractInspector {
    /// A `_meta` row that passed validation, with its content hash if the extract recorded one.
    struct Table: Sendable {
        let name: Identifier
        let rows: Int64?
        let sizeBytes: Int64?
        let queryMode: String
        let recordedHash: (md5: String, sizeBytes: Int64)?
    }

    static let reservedNames: Set<String> = ["_meta", "_remote_attach", "_content_hashes"]

    static let metaColumns: Set<String> = ["table_name", "description", "rows", "size_bytes", "extracted_at", "query_mode"]

    let connection: Connection
    let source: Identifier
    let policy: RemoteAttachPolicy

    /// The valid tables; problems go to `issues`. Throws when the extract as a whole is unusable.
    func tables(issues: inout [RebuildIssue]) throws -> [Table] {
        let catalog = source.rawValue
        let columns = Set(
            try connection.query(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' AND table_name = '_meta'",
                [.varchar(catalog)]
            ).rows.compactMap { $0[0].string })
        if columns.isEmpty { throw InspectionFailure("extract.duckdb has no _meta table") }
        let missing = Self.metaColumns.subtracting(columns)
        if !missing.isEmpty {
            throw InspectionFailure("_meta lacks the columns \(missing.sorted().joined(separator: ", "))")
        }
        let hashes = try recordedHashes()
        let objects = Set(
            try connection.query(
                """
                SELECT view_name FROM duckdb_views() WHERE database_name = ? AND schema_name = 'main'
                UNION ALL SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'
                """, [.varchar(catalog), .varchar(catalog)]
            ).rows.compactMap { $0[0].string })
        var tables: [Table] = []
        var seen: Set<String> = []
        let rows = try connection.query(
            "SELECT table_name, rows, size_bytes, coalesce(query_mode, 'local') AS query_mode FROM \(source.quoted)._meta ORDER BY table_name"
        ).records
        for row in rows {
            let rawName = row["table_name"].string ?? ""
            guard let name = Identifier(rawName), !Self.reservedNames.contains(rawName) else {
                issues.append(RebuildIssue(source: catalog, table: rawName, message: "invalid table name in _meta; skipped"))
                continue
            }
            guard seen.insert(name.rawValue).inserted else {
                issues.append(RebuildIssue(source: catalog, table: rawName, message: "listed twice in _meta; the first row is used"))
                continue
            }
            guard objects.contains(name.rawValue) else {
                issues.append(RebuildIssue(source: catalog, table: rawName, message: "_meta names a view that does not exist; skipped"))
                continue
            }
            tables.append(
                Table(
                    name: name, rows: row["rows"].int64, sizeBytes: row["size_bytes"].int64,
                    queryMode: row["query_mode"].string ?? "local", recordedHash: hashes[name.rawValue]))
        }
        return tables
    }

    /// The allowed `_remote_attach` rows; disallowed ones are reported and ignored.
    func remoteAttachments(issues: inout [RebuildIssue]) throws -> [RemoteAttach] {
        guard try hasTable("_remote_attach") else { return [] }
        let rows = try connection.query("SELECT alias, extension, url, token_env FROM \(source.quoted)._remote_attach").records
        return rows.compactMap { row in
            let attach = RemoteAttach(
                alias: row["alias"].string ?? "", extensionName: row["extension"].string ?? "", url: row["url"].string ?? "",
                tokenEnv: row["token_env"].string ?? "")
            if let violation = policy.violation(of: attach) {
                issues.append(RebuildIssue(source: source.rawValue, message: "_remote_attach row ignored: \(violation)"))
                return nil
            }
            return attach
        }
    }

    private func recordedHashes() throws -> [String: (md5: String, sizeBytes: Int64)] {
        guard try hasTable("_content_hashes") else { return [:] }
        var hashes: [String: (md5: String, sizeBytes: Int64)] = [:]
        for row in try connection.query("SELECT table_name, md5, size_bytes FROM \(source.quoted)._content_hashes").records {
            if let name = row["table_name"].string, let md5 = row["md5"].string, let size = row["size_bytes"].int64 {
                hashes[name] = (md5, size)
            }
        }
        return hashes
    }

    private func hasTable(_ name: String) throws -> Bool {
        try connection.query(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' AND table_name = ?",
            [.varchar(source.rawValue), .varchar(name)]
        ).rows[0][0].int ?? 0 > 0
    }
}

/// The extract cannot be used at all.
struct InspectionFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
