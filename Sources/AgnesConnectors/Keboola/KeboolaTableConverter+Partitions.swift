import AgnesCore
import AgnesData
import DuckDB
import Foundation

extension KeboolaTableConverter {
    /// SQL for a row's partition value: dates and timestamps by month (`2026-03`), anything else as text;
    /// NULL as `__null__`.
    static func partitionValue(of column: Column) -> String {
        let quoted = SQLText.identifier(column.name)
        switch column.type {
        case .date, .timestamp, .timestampWithZone:
            return "coalesce(strftime(\(quoted), '%Y-%m'), '__null__')"
        default:
            return "coalesce(CAST(\(quoted) AS VARCHAR), '__null__')"
        }
    }

    /// The distinct partition values of a parquet file.
    func partitionValues(of file: URL, by column: Column) throws -> [String] {
        try connection.query(
            "SELECT DISTINCT \(Self.partitionValue(of: column)) AS p FROM read_parquet(?) ORDER BY p", [.varchar(file.path)]
        ).rows.compactMap { $0[0].string }
    }

    /// Writes the rows of `file` in partition `value` to `target`; returns the rows.
    func writePartition(of file: URL, by column: Column, value: String, to target: URL) throws -> Int64 {
        Int64(
            try connection.run(
                "COPY (SELECT * FROM read_parquet(\(SQLText.literal(file.path))) WHERE \(Self.partitionValue(of: column)) = \(SQLText.literal(value))) TO \(SQLText.literal(target.path)) \(Self.parquetOptions)"
            ))
    }

    /// The partitions (of `files`, by value) holding any key of `delta`: where a changed row may leave
    /// from when its partition value changed.
    func partitionsHoldingKeys(of delta: URL, primaryKey: [String], in files: [String: URL]) throws -> Set<String> {
        guard !files.isEmpty else { return [] }
        let keys = primaryKey.map(SQLText.identifier).joined(separator: ", ")
        var holding: Set<String> = []
        for (value, file) in files {
            let found = try connection.query(
                "SELECT count(*) FROM read_parquet(?) AS f SEMI JOIN read_parquet(?) AS d USING (\(keys))",
                [.varchar(file.path), .varchar(delta.path)]
            ).rows[0][0].int64 ?? 0
            if found > 0 { holding.insert(value) }
        }
        return holding
    }

    /// Writes partition `value` anew: its previous rows (if any) without the keys of `delta`, plus the
    /// rows of `delta` in this partition. Returns the rows written.
    func mergePartition(
        previous: URL?, delta: URL, by column: Column, value: String, primaryKey: [String], to target: URL
    ) throws -> Int64 {
        let keys = primaryKey.map(SQLText.identifier).joined(separator: ", ")
        let incoming = "SELECT * FROM read_parquet(\(SQLText.literal(delta.path))) WHERE \(Self.partitionValue(of: column)) = \(SQLText.literal(value))"
        let kept = previous.map {
            "SELECT p.* FROM read_parquet(\(SQLText.literal($0.path))) AS p ANTI JOIN read_parquet(\(SQLText.literal(delta.path))) AS d USING (\(keys)) UNION ALL BY NAME "
        } ?? ""
        return Int64(try connection.run("COPY (\(kept)\(incoming)) TO \(SQLText.literal(target.path)) \(Self.parquetOptions)"))
    }

    /// Rows of a partition file whose key is not among the keys exported now (deleted in Keboola).
    func rowsMissingKeys(in file: URL, keys keyFile: URL, primaryKey: [String]) throws -> Int64 {
        let keys = primaryKey.map(SQLText.identifier).joined(separator: ", ")
        return try connection.query(
            "SELECT count(*) FROM read_parquet(?) AS f ANTI JOIN read_parquet(?) AS k USING (\(keys))",
            [.varchar(file.path), .varchar(keyFile.path)]
        ).rows[0][0].int64 ?? 0
    }

    /// Writes `file` without the rows whose key is missing from `keyFile`.
    func retainKeys(in file: URL, keys keyFile: URL, primaryKey: [String], to target: URL) throws -> Int64 {
        let keys = primaryKey.map(SQLText.identifier).joined(separator: ", ")
        return Int64(
            try connection.run(
                "COPY (SELECT f.* FROM read_parquet(\(SQLText.literal(file.path))) AS f SEMI JOIN read_parquet(\(SQLText.literal(keyFile.path))) AS k USING (\(keys))) TO \(SQLText.literal(target.path)) \(Self.parquetOptions)"
            ))
    }

    /// The table's one file, assembled from its partition files (in partition order).
    func assemble(_ partitions: [URL], columns: [Column], to target: URL) throws -> Int64 {
        guard !partitions.isEmpty else { return try writeEmpty(columns: columns, to: target) }
        let files = "[" + partitions.map { SQLText.literal($0.path) }.joined(separator: ", ") + "]"
        return Int64(try connection.run("COPY (SELECT * FROM read_parquet(\(files))) TO \(SQLText.literal(target.path)) \(Self.parquetOptions)"))
    }
}
