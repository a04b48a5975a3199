import DuckDB
import Foundation

/// What one scan of the working table learns about a column.
struct ColumnAggregates {
    var nonNull = 0
    var unique = 0
    var min: DuckDBValue = .null
    var max: DuckDBValue = .null
    var mean: Double?
    var stddev: Double?
    /// p5, p25, median, p75, p95.
    var quantiles: [Double?] = []
    var zeros = 0
    var negative = 0
    var minLength = 0
    var maxLength = 0
    var averageLength = 0.0
    var earliest: DuckDBDate?
    var latest: DuckDBDate?
    var trueCount = 0
    var falseCount = 0
}

/// The first pass: every column's non-NULL and exact distinct counts, the scalar statistics of its
/// category, and the distinct primary-key values, all in one aggregate query (one scan).
///
/// Distinct counts are exact (`count(DISTINCT …)`), not `approx_count_distinct`: the working table
/// never exceeds `sample_size` rows, so exactness costs about a second on the 5M-row demo table,
/// while HyperLogLog's few-percent error would misreport `unique` (more distinct values than rows),
/// `constant` and the categorical threshold of 50.
struct AggregatePass {
    static let quantiles = [0.05, 0.25, 0.5, 0.75, 0.95]

    let columns: [ProfiledColumn]
    let primaryKey: [String]

    /// The aggregates per column and the number of distinct primary-key values (nil without a usable
    /// primary key: none registered, or one naming a column the file does not have).
    func run(on workspace: ProfileWorkspace) throws -> (columns: [ColumnAggregates], distinctKeys: Int?) {
        var list = SelectList()
        var slots: [[Int]] = []
        for column in columns {
            var slot = [list.add("count(\(column.sql))"), list.add("count(DISTINCT \(column.sql))")]
            let filter = column.finiteFilter
            switch column.category {
            case .numeric:
                let value = column.double
                slot += [
                    list.add("min(\(column.sql))\(filter)"), list.add("max(\(column.sql))\(filter)"),
                    list.add("avg(\(value))\(filter)"), list.add("stddev_samp(\(value))\(filter)"),
                    list.add("quantile_cont(\(value), \(Self.quantiles))\(filter)"),
                    list.add("count(*) FILTER (WHERE \(column.sql) = 0)"),
                    list.add("count(*) FILTER (WHERE \(column.sql) < 0)"),
                ]
            case .string:
                let length = "length(\(column.text))"
                slot += [list.add("min(\(length))"), list.add("max(\(length))"), list.add("avg(\(length))")]
            case .date, .timestamp:
                slot += [list.add("min(\(column.date))\(filter)"), list.add("max(\(column.date))\(filter)")]
            case .boolean:
                slot += [
                    list.add("count(*) FILTER (WHERE \(column.sql))"),
                    list.add("count(*) FILTER (WHERE NOT \(column.sql))"),
                ]
            }
            slots.append(slot)
        }
        let names = Set(columns.map(\.name))
        var keySlot: Int?
        if primaryKey.count == 1, let index = columns.firstIndex(where: { $0.name == primaryKey[0] }) {
            keySlot = slots[index][1]  // the column's own distinct count
        } else if !primaryKey.isEmpty, primaryKey.allSatisfy(names.contains) {
            keySlot = list.add("count(DISTINCT (\(primaryKey.map(ProfileSQL.quoted).joined(separator: ", "))))")
        }
        let row = try workspace.aggregate(list.expressions)
        guard row.count == list.expressions.count else { return (columns.map { _ in ColumnAggregates() }, nil) }
        let aggregates = zip(columns, slots).map { column, slot in Self.read(row, slot, category: column.category) }
        return (aggregates, keySlot.flatMap { row[$0].int })
    }

    static func read(_ row: [DuckDBValue], _ slot: [Int], category: TypeCategory) -> ColumnAggregates {
        var result = ColumnAggregates()
        let value = { (index: Int) in row[slot[index]] }
        result.nonNull = value(0).int ?? 0
        result.unique = value(1).int ?? 0
        switch category {
        case .numeric:
            result.min = value(2)
            result.max = value(3)
            result.mean = value(4).double
            result.stddev = value(5).double
            result.quantiles = value(6).elements?.map(\.double) ?? []
            result.zeros = value(7).int ?? 0
            result.negative = value(8).int ?? 0
        case .string:
            result.minLength = value(2).int ?? 0
            result.maxLength = value(3).int ?? 0
            result.averageLength = value(4).double ?? 0
        case .date, .timestamp:
            if case .date(let earliest) = value(2) { result.earliest = earliest }
            if case .date(let latest) = value(3) { result.latest = latest }
        case .boolean:
            result.trueCount = value(2).int ?? 0
            result.falseCount = value(3).int ?? 0
        }
        return result
    }
}
