import Foundation

/// Turns a table snapshot into the slices of an export: filter by import time and where filters, order,
/// limit, project, then write header-less CSV slices (gzipped when asked).
enum ExportBuilder {
    /// The exported records: each row's values for ``ExportParameters/columns`` (plus `_timestamp` last
    /// when asked), rows in table order unless `orderBy` says otherwise.
    static func records(_ rows: [StoredTable.Row], tableColumns: [String], parameters: ExportParameters) -> [[String]] {
        let index = Dictionary(tableColumns.enumerated().map { ($1, $0) }) { first, _ in first }
        var selected = rows.filter { row in
            if let since = parameters.changedSince, row.stamp < since { return false }
            if let until = parameters.changedUntil, row.stamp >= until { return false }
            return parameters.whereFilters.allSatisfy { $0.matches(row.values[index[$0.column]!]) }
        }
        if !parameters.orderBy.isEmpty {
            selected.sort { left, right in
                for order in parameters.orderBy {
                    let a = left.values[index[order.column]!]
                    let b = right.values[index[order.column]!]
                    guard a != b else { continue }
                    let ascending =
                        order.isNumeric
                        ? (Double(a) ?? -.infinity) < (Double(b) ?? -.infinity)
                        : a.utf8.lexicographicallyPrecedes(b.utf8)
                    return order.isDescending ? !ascending : ascending
                }
                return false
            }
        }
        if let limit = parameters.limit { selected = Array(selected.prefix(limit)) }
        return selected.map { row in
            var values = parameters.columns.map { row.values[index[$0]!] }
            if parameters.includesInternalTimestamp { values.append(KeboolaDate.snowflake(row.stamp)) }
            return values
        }
    }

    /// `rowsPerSlice` records per slice, at least one slice (empty when there are no records).
    static func slices(_ records: [[String]], rowsPerSlice: Int, gzip: Bool) -> [Data] {
        let size = max(rowsPerSlice, 1)
        var slices: [Data] = []
        var start = 0
        repeat {
            let text = records[start..<min(start + size, records.count)].map(CSVWriter.record).joined()
            slices.append(gzip ? Gzip.compress(Data(text.utf8)) : Data(text.utf8))
            start += size
        } while start < records.count
        return slices
    }
}
