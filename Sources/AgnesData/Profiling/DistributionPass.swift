import AgnesCore
import DuckDB
import Foundation

/// The second pass, which needs the first one's results: numeric histograms (equal-width bins between
/// each column's min and max), quarterly date histograms and the value counts of categorical text
/// columns, all as DuckDB `histogram()` aggregates in one query (one scan).
struct DistributionPass {
    let columns: [ProfiledColumn]
    let aggregates: [ColumnAggregates]
    let settings: ProfilerSettings

    struct Result {
        var histograms: [Int: Histogram] = [:]
        /// Value counts of categorical text columns, by column index, most frequent first.
        var topValues: [Int: [TopValue]] = [:]
    }

    /// True when a text column is categorical: at most `max_categorical_distinct` distinct values.
    static func isCategorical(_ aggregates: ColumnAggregates, settings: ProfilerSettings) -> Bool {
        aggregates.unique <= settings.maxCategoricalDistinct
    }

    func run(on workspace: ProfileWorkspace) throws -> Result {
        var list = SelectList()
        var numeric: [(index: Int, slot: Int, low: Double, width: Double)] = []
        var dates: [(index: Int, slot: Int)] = []
        var categorical: [(index: Int, slot: Int)] = []
        let bins = max(1, settings.histogramBins)
        for (index, (column, aggregate)) in zip(columns, aggregates).enumerated() {
            switch column.category {
            case .numeric:
                guard let low = aggregate.min.double, let high = aggregate.max.double, low.isFinite, high.isFinite,
                    low < high
                else { continue }
                let width = (high - low) / Double(bins)
                var bucket =
                    "greatest(0, least(\(bins - 1), floor((\(column.double) - \(ProfileSQL.double(low))) / \(ProfileSQL.double(width)))::BIGINT))"
                if column.isFloatingPoint {
                    // DuckDB evaluates the argument before a FILTER: NaN must not reach the cast.
                    bucket = "CASE WHEN isfinite(\(column.sql)) THEN \(bucket) END"
                }
                numeric.append((index, list.add("histogram(\(bucket))"), low, width))
            case .date, .timestamp:
                guard aggregate.earliest != nil else { continue }
                let key = "{'y': year(\(column.date)), 'q': quarter(\(column.date))}"
                dates.append((index, list.add("histogram(\(key)) FILTER (WHERE isfinite(\(column.sql)))")))
            case .string:
                guard aggregate.nonNull > 0, Self.isCategorical(aggregate, settings: settings) else { continue }
                categorical.append((index, list.add("histogram(\(column.text))")))
            case .boolean:
                continue
            }
        }
        var result = Result()
        let row = try workspace.aggregate(list.expressions)
        guard row.count == list.expressions.count else { return result }
        for entry in numeric {
            let counts = Self.counts(row[entry.slot]) { $0.int }
            var histogram = Histogram()
            for bin in 0..<bins {
                let low = entry.low + Double(bin) * entry.width
                let high = entry.low + Double(bin + 1) * entry.width
                histogram.bins.append("\(ProfileMath.label(low))-\(ProfileMath.label(high))")
                histogram.counts.append(counts[bin] ?? 0)
            }
            result.histograms[entry.index] = histogram
        }
        for entry in dates {
            let counts = Self.counts(row[entry.slot]) { key -> Int? in
                guard case .structure(let fields) = key, fields.count == 2, let year = fields[0].value.int,
                    let quarter = fields[1].value.int
                else { return nil }
                return year * 4 + (quarter - 1)
            }
            var histogram = Histogram()
            for key in counts.keys.sorted() {
                let (year, quarter) = key.quotientAndRemainderFloored(dividingBy: 4)
                histogram.bins.append("\(year)-Q\(quarter + 1)")
                histogram.counts.append(counts[key] ?? 0)
            }
            result.histograms[entry.index] = histogram
        }
        for entry in categorical {
            let nonNull = aggregates[entry.index].nonNull
            let counts = Self.counts(row[entry.slot]) { $0.string }
            result.topValues[entry.index] =
                counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(settings.topValuesLimit)
                .map { TopValue(value: $0.key, count: $0.value, pct: ProfileMath.percent($0.value, of: nonNull)) }
        }
        return result
    }

    /// A `histogram()` MAP read into counts per key.
    static func counts<Key: Hashable>(_ value: DuckDBValue, key: (DuckDBValue) -> Key?) -> [Key: Int] {
        guard case .map(let entries) = value else { return [:] }
        var counts: [Key: Int] = [:]
        for entry in entries {
            if let name = key(entry.key), let count = entry.value.int { counts[name, default: 0] += count }
        }
        return counts
    }
}

extension Int {
    /// Quotient and remainder rounded toward minus infinity (years before 1 stay in order).
    fileprivate func quotientAndRemainderFloored(dividingBy divisor: Int) -> (Int, Int) {
        let remainder = ((self % divisor) + divisor) % divisor
        return ((self - remainder) / divisor, remainder)
    }
}
