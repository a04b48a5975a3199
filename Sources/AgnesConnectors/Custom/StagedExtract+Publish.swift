import AgnesCore
import AgnesData
import DuckDB
import Foundation

extension StagedExtract {
    /// Publishes the checked tables into the source's extract directory: each table's data as one
    /// parquet file through the ``Publisher`` (content hash and immutable version, like every source),
    /// then `extract.duckdb` written by the ``ExtractWriter`` (never the connector's own file), so that
    /// views read the published versions whatever directory the connector wrote from. Tables in `keep`
    /// (registered, not due) keep their previous data when they have some. Nothing is rewritten when
    /// nothing changed. A table that cannot be converted fails the whole run before the extract is
    /// written: the previous extract keeps serving. Blocking.
    func publish(
        into writer: ExtractWriter, source: Identifier, previous: [String: ExtractTable], keep: Set<String>,
        publisher: Publisher = Publisher()
    ) throws(CustomConnectorError) -> CustomRunReport {
        var report = CustomRunReport()
        var entries: [ExtractTable] = []
        var changed = false
        Publisher.removeStaleTemporaries(in: writer.dataDirectory)
        for table in tables {
            let name = table.name.rawValue
            let old = previous[name]
            if keep.contains(name), let old, let file = old.file, FileManager.default.fileExists(atPath: file.readPath)
            {
                entries.append(old)
                report.kept.append(name)
                continue
            }
            var entry = try convert(table, to: writer.dataFile(for: table.name), publisher: publisher)
            entry.description = table.description ?? "From the custom connector \(source)"
            let rows = Int(entry.rows ?? 0)
            if let old, old.file?.md5 == entry.file?.md5 {
                entry.extractedAt = old.extractedAt ?? entry.extractedAt
                report.unchanged[name] = rows
                changed = changed || old.description != entry.description || old.file != entry.file
            } else {
                report.synced[name] = rows
                changed = true
            }
            entries.append(entry)
        }
        let listed = Set(entries.map(\.name.rawValue))
        for name in previous.keys.sorted() where !listed.contains(name) {
            try? FileManager.default.removeItem(at: writer.dataDirectory.appendingPathComponent("\(name).parquet"))
            report.removed.append(name)
        }
        report.tables = entries.map(\.name.rawValue)
        if changed || !report.removed.isEmpty || !remoteAttach.isEmpty
            || !FileManager.default.fileExists(atPath: writer.extractFile.path)
        {
            do {
                try writer.write(tables: entries, remoteAttach: remoteAttach)
            } catch {
                throw CustomConnectorError(
                    .publish, "extract.duckdb cannot be written: \(Self.describe(error))", cause: error)
            }
            report.rewroteExtract = true
        }
        return report
    }

    /// One table's data as a published parquet file, with its row count.
    private func convert(_ table: Table, to target: URL, publisher: Publisher) throws(CustomConnectorError)
        -> ExtractTable
    {
        do {
            let published: PublishedFile
            switch table.rows {
            case .parquetFile(let file):
                // Read it as parquet before its bytes are published as they are.
                _ = try connection.query("SELECT count(*) FROM read_parquet(?)", [.varchar(file.path)])
                published = try publisher.publish(copying: file, to: target)
            case .parquetFiles(let paths):
                let list = paths.map(SQLText.literal).joined(separator: ", ")
                published = try publisher.publish(to: target) { temporary in
                    try copy("read_parquet([\(list)])", to: temporary)
                }
            case .relation:
                published = try publisher.publish(to: target) { temporary in
                    try copy("\(Self.catalog).\(table.name.quoted)", to: temporary)
                }
            }
            let rows = try connection.query("SELECT count(*) FROM read_parquet(?)", [.varchar(published.readPath)])
                .rows.first?[0].int64
            return ExtractTable(
                name: table.name, rows: rows, sizeBytes: published.sizeBytes, extractedAt: table.extractedAt ?? Date(),
                queryMode: "local", file: published)
        } catch let error as DuckDBError where error.kind == .permission || error.message.hasPrefix("Permission Error")
        {
            throw CustomConnectorError(
                .outsideDirectory,
                "table \(table.name) reads a file outside the connector's output directory: \(error.message)",
                cause: error)
        } catch let error as DuckDBError {
            throw CustomConnectorError(
                .invalidOutput, "table \(table.name) cannot be read into parquet: \(error.message)", cause: error)
        } catch {
            throw CustomConnectorError(.publish, "table \(table.name) cannot be published: \(error)", cause: error)
        }
    }

    private func copy(_ relation: String, to temporary: URL) throws {
        try connection.execute(
            """
            COPY (SELECT * FROM \(relation)) TO \(SQLText.literal(temporary.path))
                (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 245760)
            """)
    }
}
