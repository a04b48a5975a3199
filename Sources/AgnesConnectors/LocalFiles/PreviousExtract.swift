import AgnesCore
import AgnesData
import DuckDB
import Foundation

/// The tables a source's current extract lists, with their recorded files (and versions, when the
/// extract was written with them) and input signatures, so that a connector can reuse what has not
/// changed. An unreadable extract reads as empty.
enum PreviousExtract {
    static func read(_ file: URL) -> [String: ExtractTable] {
        guard FileManager.default.fileExists(atPath: file.path),
            let connection = try? Database(path: file.path, options: ["access_mode": "READ_ONLY", "threads": "1"])
                .connect(),
            let rows = try? connection.query(
                """
                SELECT m.table_name, m.description, m.rows, m.size_bytes, m.extracted_at, m.query_mode,
                       h.size_bytes AS file_size, h.* EXCLUDE (table_name, size_bytes)
                FROM _meta m JOIN _content_hashes h USING (table_name)
                """
            ).records
        else { return [:] }
        var tables: [String: ExtractTable] = [:]
        for row in rows {
            guard let name = row["table_name"].string.flatMap(Identifier.init), let path = row["file"].string,
                let md5 = row["md5"].string, let size = row["file_size"].int64
            else { continue }
            tables[name.rawValue] = ExtractTable(
                name: name, description: row["description"].string, rows: row["rows"].int64,
                sizeBytes: row["size_bytes"].int64,
                extractedAt: row["extracted_at"].date, queryMode: row["query_mode"].string ?? "local",
                file: PublishedFile(path: path, md5: md5, sizeBytes: size, versionPath: row["version_file"].string),
                sourceSignature: row["source_signature"].string, delta: delta(of: row))
        }
        for table in remoteTables(connection) { tables[table.name.rawValue] = table }
        return tables
    }

    /// The recorded delta of a table kept as a base and a delta (none before deltas existed).
    private static func delta(of row: Record) -> TableDelta? {
        guard let path = row["delta_file"].string, let md5 = row["delta_md5"].string,
            let size = row["delta_size"].int64,
            let key = LayeredRelation.decode(key: row["merge_key"].string)
        else { return nil }
        return TableDelta(
            file: PublishedFile(path: path, md5: md5, sizeBytes: size, versionPath: row["delta_version_file"].string),
            key: key)
    }

    /// The schema-only entries of remote tables, with their columns (none before `_remote_tables` existed).
    private static func remoteTables(_ connection: Connection) -> [ExtractTable] {
        guard
            let rows = try? connection.query(
                """
                SELECT m.table_name, m.description, m.rows, m.size_bytes, m.extracted_at, r.source_signature
                FROM _meta m JOIN _remote_tables r USING (table_name) WHERE m.query_mode = 'remote'
                """
            ).records,
            let columns = try? connection.query(
                """
                SELECT table_name, column_name, data_type FROM duckdb_columns()
                WHERE database_name = current_database() AND schema_name = 'main' ORDER BY table_name, column_index
                """
            ).rows
        else { return [] }
        var byTable: [String: [RemoteColumn]] = [:]
        for row in columns {
            if let table = row[0].string, let name = row[1].string, let type = row[2].string {
                byTable[table, default: []].append(RemoteColumn(name: name, type: type))
            }
        }
        return rows.compactMap { row in
            guard let name = row["table_name"].string.flatMap(Identifier.init), let columns = byTable[name.rawValue]
            else { return nil }
            return ExtractTable(
                name: name, description: row["description"].string, rows: row["rows"].int64,
                sizeBytes: row["size_bytes"].int64, extractedAt: row["extracted_at"].date, queryMode: "remote",
                sourceSignature: row["source_signature"].string, remoteColumns: columns)
        }
    }
}
