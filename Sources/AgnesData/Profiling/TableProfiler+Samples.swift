import AgnesCore
import DuckDB
import Foundation

extension TableProfiler {
    /// Up to `sample_values_limit` distinct values per column, as text, in the order they first occur
    /// among the first rows of the working table. A column with fewer distinct values there than it has
    /// overall (mostly NULL at the start, say) is looked up on its own over the whole working table.
    func sampleValues(_ columns: [ProfiledColumn], _ aggregates: [ColumnAggregates], _ workspace: ProfileWorkspace)
        throws -> [[String]]
    {
        let limit = settings.sampleValuesLimit
        let head = "(SELECT * FROM \(ProfileWorkspace.table) LIMIT \(Self.sampleValueRows))"
        let row = try workspace.aggregate(
            columns.map { "list(\($0.text)) FILTER (WHERE \($0.sql) IS NOT NULL)" }, from: head)
        var samples: [[String]] = columns.indices.map { index in
            guard row.indices.contains(index) else { return [] }
            return Self.firstDistinct(row[index].elements?.compactMap(\.string) ?? [], limit: limit)
        }
        for (index, column) in columns.enumerated()
        where samples[index].count < min(limit, aggregates[index].unique) {
            let found = try workspace.connection.query(
                """
                SELECT DISTINCT \(column.text) FROM \(ProfileWorkspace.table) WHERE \(column.sql) IS NOT NULL
                LIMIT \(max(0, limit))
                """
            ).rows.compactMap { $0.first?.string }
            samples[index] = Self.firstDistinct(samples[index] + found, limit: limit)
        }
        return samples
    }

    /// The first `sample_rows_limit` rows of the working table, each value as DuckDB prints it.
    func sampleRows(_ columns: [ProfiledColumn], _ workspace: ProfileWorkspace) throws -> [SampleRow] {
        guard !columns.isEmpty, settings.sampleRowsLimit > 0 else { return [] }
        let result = try workspace.connection.query(
            "SELECT \(columns.map(\.text).joined(separator: ", ")) FROM \(ProfileWorkspace.table) LIMIT \(settings.sampleRowsLimit)"
        )
        return result.rows.map { row in
            SampleRow(values: zip(columns, row).map { column, value in (column.name, value.string) })
        }
    }

    static func firstDistinct(_ values: [String], limit: Int) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for value in values where result.count < limit && seen.insert(value).inserted { result.append(value) }
        return result
    }
}
