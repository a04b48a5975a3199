import AgnesCore
import AgnesData
import DuckDB
import Foundation

extension KeboolaTableConverter {
    /// Writes `previous` with the rows of `delta` merged in on the primary key (a delta row replaces
    /// the previous row with its key, a new key is added) to `target`; returns the rows written.
    func merge(previous: URL, delta: URL, primaryKey: [String], to target: URL) throws -> Int64 {
        let merged = LayeredRelation.select(base: previous.path, delta: delta.path, key: primaryKey)
        return Int64(try connection.run("COPY (\(merged)) TO \(SQLText.literal(target.path)) \(Self.parquetOptions)"))
    }

    /// Writes the rows of `file` whose primary key is among the keys of an export of the key columns
    /// (what Keboola still holds) to `target`: rows deleted in Keboola leave. Returns the rows written.
    /// With a `delta`, the table is `file` and that delta (``LayeredRelation``).
    func retainKeys(of keySlices: [URL], keyColumns: [Column], file: URL, delta: URL? = nil, to target: URL) throws
        -> Int64
    {
        let keys = keyColumns.map { SQLText.identifier($0.name) }.joined(separator: ", ")
        let existing = "(\(Self.typedSelect(of: keySlices, columns: keyColumns)))"
        let table =
            "(\(LayeredRelation.select(file: file.path, delta: delta.map { ($0.path, keyColumns.map(\.name)) })))"
        let sql = """
            COPY (SELECT f.* FROM \(table) AS f SEMI JOIN \(existing) AS k USING (\(keys)))
            TO \(SQLText.literal(target.path)) \(Self.parquetOptions)
            """
        do {
            return Int64(try connection.run(sql))
        } catch let error as DuckDBError {
            unlink(target.path)
            throw diagnose(error, slices: keySlices, columns: keyColumns)
        }
    }

    /// Rows of a table kept as `base` and `delta`: the base's rows whose key the delta does not hold,
    /// plus the delta's (only the key columns of the base are read).
    func rowCount(of base: URL, delta: URL, primaryKey: [String]) throws -> Int64 {
        let sql =
            "SELECT count(*) FROM (\(LayeredRelation.select(base: base.path, delta: delta.path, key: primaryKey)))"
        return try connection.query(sql).rows[0][0].int64 ?? 0
    }

    /// Rows of a parquet file.
    func rowCount(of file: URL) throws -> Int64 {
        try connection.query("SELECT count(*) FROM read_parquet(?)", [.varchar(file.path)]).rows[0][0].int64 ?? 0
    }
}
