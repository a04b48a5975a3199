import AgnesCore
import AgnesData
import DuckDB
import Foundation

extension StagedExtract {
    /// The most `_meta` rows accepted.
    static let maximumTables = 10_000

    /// Reads and checks `_meta`; every problem found is reported in one error.
    static func readMeta(_ connection: Connection, objects: Objects, output: URL) throws(CustomConnectorError)
        -> [Table]
    {
        guard let columns = objects.columns["_meta"] else {
            throw CustomConnectorError(
                .invalidOutput, "extract.duckdb has no _meta table (the extract contract's list of tables)")
        }
        let missing = metaColumns.filter { !columns.contains($0) }
        guard missing.isEmpty else {
            throw CustomConnectorError(
                .invalidOutput,
                "_meta lacks the column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (the contract: \(metaColumns.joined(separator: ", ")))"
            )
        }
        let records: [Record]
        do {
            records = try connection.query(
                """
                SELECT CAST(table_name AS VARCHAR) AS table_name, CAST(description AS VARCHAR) AS description,
                    CAST(extracted_at AS TIMESTAMP) AS extracted_at, CAST(query_mode AS VARCHAR) AS query_mode
                FROM \(catalog)._meta LIMIT \(maximumTables + 1)
                """
            ).records
        } catch {
            throw CustomConnectorError(.invalidOutput, "_meta cannot be read: \(describe(error))", cause: error)
        }
        guard records.count <= maximumTables else {
            throw CustomConnectorError(.invalidOutput, "_meta lists more than \(maximumTables) tables")
        }
        guard !records.isEmpty else {
            throw CustomConnectorError(.invalidOutput, "_meta lists no tables (a connector must publish at least one)")
        }
        var problems: [String] = []
        var outside: [String] = []
        var seen: Set<String> = []
        var tables: [Table] = []
        for (index, row) in records.enumerated() {
            let raw = row["table_name"].string
            guard let raw, let name = Identifier(raw), !reservedNames.contains(raw.lowercased()) else {
                problems.append(
                    raw.map {
                        "_meta row \(index + 1): table name \($0.debugDescription) is not a valid identifier ([a-zA-Z_][a-zA-Z0-9_]{0,63}, not _meta, _remote_attach or _content_hashes)"
                    } ?? "_meta row \(index + 1): table_name is NULL")
                continue
            }
            guard seen.insert(raw.lowercased()).inserted else {
                problems.append("_meta lists \(raw) more than once")
                continue
            }
            let mode = row["query_mode"].string ?? "local"
            guard mode == "local" else {
                problems.append(
                    mode == "remote"
                        ? "\(raw): query_mode 'remote' is not supported for custom connectors (publish its data as parquet)"
                        : "\(raw): query_mode must be 'local', not \(mode.debugDescription)")
                continue
            }
            guard let object = objects.kinds[raw.lowercased()], object.name == raw else {
                problems.append(
                    objects.kinds[raw.lowercased()].map { "_meta lists \(raw) but the view is named \($0.name)" }
                        ?? "_meta lists \(raw) but extract.duckdb has no view or table of that name")
                continue
            }
            do throws(CustomConnectorError) {
                let rows: Rows =
                    object.kind == "view"
                    ? try viewRows(name: name, sql: object.sql ?? "", output: output, parser: connection) : .relation
                tables.append(
                    Table(
                        name: name, description: row["description"].string, extractedAt: row["extracted_at"].date,
                        rows: rows))
            } catch {
                if error.code == .outsideDirectory {
                    outside.append(error.message)
                } else {
                    problems.append(error.message)
                }
            }
        }
        if !outside.isEmpty { throw contractError(outside + problems, code: .outsideDirectory) }
        if !problems.isEmpty { throw contractError(problems) }
        return tables.sorted { $0.name < $1.name }
    }

    /// Reads `_remote_attach` (when there is one) and refuses rows the policy does not allow.
    static func readRemoteAttach(_ connection: Connection, objects: Objects, policy: RemoteAttachPolicy)
        throws(CustomConnectorError) -> [RemoteAttach]
    {
        guard let columns = objects.columns["_remote_attach"] else { return [] }
        let missing = remoteAttachColumns.filter { !columns.contains($0) }
        guard missing.isEmpty else {
            throw CustomConnectorError(
                .invalidOutput,
                "_remote_attach lacks the columns \(missing.joined(separator: ", ")) (the contract: \(remoteAttachColumns.joined(separator: ", ")))"
            )
        }
        let records: [Record]
        do {
            records = try connection.query(
                """
                SELECT CAST(alias AS VARCHAR) AS alias, CAST(extension AS VARCHAR) AS extension,
                    CAST(url AS VARCHAR) AS url, CAST(token_env AS VARCHAR) AS token_env
                FROM \(catalog)._remote_attach LIMIT 101
                """
            ).records
        } catch {
            throw CustomConnectorError(
                .invalidOutput, "_remote_attach cannot be read: \(describe(error))", cause: error)
        }
        guard records.count <= 100 else {
            throw CustomConnectorError(.invalidOutput, "_remote_attach has more than 100 rows")
        }
        var rows: [RemoteAttach] = []
        var problems: [String] = []
        for row in records {
            let attach = RemoteAttach(
                alias: row["alias"].string ?? "", extensionName: row["extension"].string ?? "",
                url: row["url"].string ?? "", tokenEnv: row["token_env"].string ?? "")
            if let violation = policy.violation(of: attach) {
                problems.append("_remote_attach row \(attach.alias.debugDescription): \(violation)")
            } else {
                rows.append(attach)
            }
        }
        guard problems.isEmpty else {
            throw CustomConnectorError(
                .remoteAttach,
                "extract.duckdb's _remote_attach is refused: \(problems.prefix(problemsShown).joined(separator: "; "))")
        }
        return rows
    }
}
