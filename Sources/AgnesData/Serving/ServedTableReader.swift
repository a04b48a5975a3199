import AgnesCore
import DuckDB
import Foundation

/// Reads which tables a generation serves, from its own files: the analytics file's view ledger
/// (view → source) and each attached extract's `_meta` and `_content_hashes`. Three queries whatever
/// the number of sources. Blocking.
enum ServedTableReader {
    static func read(on connection: Connection, sources: [String], layout: DataLayout) throws -> [String: ServedTable] {
        guard let ledger = try ViewLedger.read(connection) else { return [:] }
        let attached = Set(sources)
        let used = Set(ledger.values.map(\.source)).intersection(attached).compactMap { Identifier($0) }
        guard !used.isEmpty else { return [:] }
        var hashColumns: [String: Set<String>] = [:]
        for row in try connection.query(
            """
            SELECT database_name, column_name FROM duckdb_columns()
            WHERE schema_name = 'main' AND table_name = '_content_hashes'
            """
        ).rows {
            if let database = row[0].string, let column = row[1].string {
                hashColumns[database, default: []].insert(column)
            }
        }
        let selects = used.sorted { $0.rawValue < $1.rawValue }.map { source -> String in
            let columns = hashColumns[source.rawValue] ?? []
            let deltaColumns = ["delta_md5", "delta_size", "delta_version_file", "merge_key"]
            var hashes =
                "NULL::VARCHAR AS md5, NULL::BIGINT AS file_size, NULL::VARCHAR AS version_file, "
                + "NULL::VARCHAR AS delta_md5, NULL::BIGINT AS delta_size, NULL::VARCHAR AS delta_version_file, "
                + "NULL::VARCHAR AS merge_key"
            var join = ""
            if columns.isSuperset(of: ["table_name", "md5", "size_bytes"]) {
                let version = columns.contains("version_file") ? "version_file" : "NULL::VARCHAR AS version_file"
                let delta =
                    columns.isSuperset(of: deltaColumns)
                    ? "delta_md5, delta_size, delta_version_file, merge_key"
                    : "NULL::VARCHAR AS delta_md5, NULL::BIGINT AS delta_size, NULL::VARCHAR AS delta_version_file, "
                        + "NULL::VARCHAR AS merge_key"
                hashes =
                    "h.md5, h.size_bytes AS file_size, h.version_file, h.delta_md5, h.delta_size, "
                    + "h.delta_version_file, h.merge_key"
                join = """
                    LEFT JOIN (SELECT DISTINCT ON (table_name) table_name, md5, size_bytes, \(version), \(delta)
                        FROM \(source.quoted)._content_hashes) h USING (table_name)
                    """
            }
            return """
                SELECT \(SQLText.literal(source.rawValue)) AS source, m.table_name, m.rows::BIGINT AS rows,
                    coalesce(m.query_mode, 'local') AS query_mode, \(hashes)
                FROM \(source.quoted)._meta m \(join)
                """
        }
        var tables: [String: ServedTable] = [:]
        var remote: [(name: String, source: String, rows: Int64?, queryMode: String)] = []
        for row in try connection.query(selects.joined(separator: "\nUNION ALL\n")).rows {
            guard let source = row[0].string, let name = row[1].string, let table = Identifier(name),
                ledger[name]?.source == source, tables[name] == nil, let sourceID = Identifier(source)
            else { continue }
            let queryMode = row[3].string ?? "local"
            guard queryMode == "local" else {
                remote.append((name, source, row[2].int64, queryMode))
                continue
            }
            let file = layout.readFile(source: sourceID, table: table, recordedVersion: row[6].string)
            var md5 = row[4].string
            var size = row[5].int64
            if let fileSize = Self.size(of: file), size != fileSize || md5?.count != 32 {
                // Not what the extract recorded (a third-party extract, or a file changed since): hash it.
                md5 = try? Publisher.md5(of: file).md5
                size = fileSize
            } else if Self.size(of: file) == nil {
                continue  // the file is gone: the view cannot answer either
            }
            var delta: ServedDelta?
            if row[7] != .null || row[9] != .null || row[10] != .null {
                // A delta is read only from its immutable version (it has no canonical name to fall back
                // on), as recorded; one that cannot be read so leaves the table out, as a missing file
                // does: the view cannot answer either, and serving the base alone would be stale.
                guard let key = LayeredRelation.decode(key: row[10].string), let deltaMD5 = row[7].string,
                    deltaMD5.count == 32, let recorded = row[9].string
                else { continue }
                let deltaFile = layout.readFile(source: sourceID, table: table, recordedVersion: recorded)
                guard deltaFile.path == recorded, let deltaSize = Self.size(of: deltaFile),
                    row[8].int64.map({ $0 == deltaSize }) ?? true
                else { continue }
                delta = ServedDelta(file: deltaFile, md5: deltaMD5, sizeBytes: deltaSize, key: key)
            }
            tables[name] = ServedTable(
                id: name, source: source, queryMode: queryMode, file: file, md5: md5, sizeBytes: size,
                rows: row[2].int64, delta: delta)
        }
        let columns = try remoteColumns(of: remote.map(\.name), on: connection)
        for table in remote {
            tables[table.name] = ServedTable(
                id: table.name, source: table.source, queryMode: table.queryMode, file: nil, md5: nil, sizeBytes: nil,
                rows: table.rows, remoteColumns: columns[table.name] ?? [])
        }
        return tables
    }

    /// The columns of the views of remote tables (over the schema-only tables their extracts hold).
    static func remoteColumns(of names: [String], on connection: Connection) throws -> [String: [RemoteColumn]] {
        guard !names.isEmpty else { return [:] }
        var columns: [String: [RemoteColumn]] = [:]
        let list = names.map { SQLText.literal($0) }.joined(separator: ", ")
        for row in try connection.query(
            """
            SELECT table_name, column_name, data_type FROM duckdb_columns()
            WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN (\(list))
            ORDER BY table_name, column_index
            """
        ).rows {
            guard let table = row[0].string, let name = row[1].string, let type = row[2].string else { continue }
            columns[table, default: []].append(RemoteColumn(name: name, type: type))
        }
        return columns
    }

    static func size(of file: URL) -> Int64? {
        var info = stat()
        guard stat(file.path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }
}
