import AgnesCore
import Foundation

/// The alert rules of §4.4, with the thresholds of ``ProfilerSettings`` (zeros fixed at 50 %).
struct ProfileAlerts {
    /// Share of zeros, in percent, above which a numeric column gets `zeros`.
    static let zerosPercent = 50.0

    let settings: ProfilerSettings

    /// The alerts every column can get: `constant` (one value, no NULLs), `unique` (every value
    /// distinct, no NULLs), then `high_missing` or else `missing` by the share of NULLs.
    ///
    /// `unique` compares the counts exactly, where the original compared a percentage rounded to two
    /// decimals (and so also flagged a column with 99.996 % distinct values).
    func common(nonNull: Int, nullCount: Int, unique: Int, rows: Int) -> [ColumnAlert] {
        var alerts: [ColumnAlert] = []
        if unique == 1 && nullCount == 0 { alerts.append(.constant) }
        if nonNull > 0 && nullCount == 0 && unique == nonNull { alerts.append(.unique) }
        let missing = ProfileMath.percent(nullCount, of: rows)
        if missing > Double(settings.alertHighMissingPercent) {
            alerts.append(.highMissing)
        } else if missing > Double(settings.alertMissingPercent) {
            alerts.append(.missing)
        }
        return alerts
    }

    /// `zeros` when more than half of a numeric column's values are zero.
    func numeric(_ stats: NumericStatistics) -> [ColumnAlert] {
        stats.zerosPercent > Self.zerosPercent ? [.zeros] : []
    }

    /// For a categorical text column, `imbalance` when its top value exceeds the imbalance share; for
    /// any other, `high_cardinality` above the cardinality threshold.
    func string(_ stats: StringStatistics, unique: Int, isCategorical: Bool) -> [ColumnAlert] {
        if isCategorical {
            guard let top = stats.topValues.first, top.pct > Double(settings.alertImbalancePercent) else { return [] }
            return [.imbalance]
        }
        return unique > settings.alertHighCardinality ? [.highCardinality] : []
    }

    /// The table-level entries of a column's alerts, with the original's messages.
    static func tableAlerts(for column: ColumnProfile) -> [TableAlert] {
        column.alerts.map { alert in
            let name = column.name
            let message: String
            switch alert {
            case .constant: message = "\(name) is constant (single value)"
            case .unique: message = "\(name) has all unique values"
            case .highMissing, .missing:
                let missing = ProfileMath.rounded(100.0 - column.completenessPercent) ?? 0
                message = "\(name) has \(ProfileMath.text(missing))% missing values"
            case .imbalance:
                var top = 0.0
                if case .string(let stats) = column.statistics { top = stats.topValues.first?.pct ?? 0 }
                message = "\(name) is highly imbalanced (top value \(ProfileMath.text(top))%)"
            case .zeros:
                var zeros = 0.0
                if case .numeric(let stats) = column.statistics { zeros = stats.zerosPercent }
                message = "\(name) has \(ProfileMath.text(zeros))% zero values"
            case .highCardinality:
                message = "\(name) has high cardinality (\(column.uniqueCount) distinct)"
            }
            return TableAlert(column: name, type: alert, message: message)
        }
    }
}
