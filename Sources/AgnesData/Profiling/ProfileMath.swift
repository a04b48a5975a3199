import DuckDB
import Foundation

/// The original's number conventions: two-decimal rounding, NaN and infinities as null, percentages
/// of zero totals as 0.0, and its compact histogram labels.
enum ProfileMath {
    /// Rounded to two decimals (ties to even, as Python's `round`); nil for NaN and infinities.
    static func rounded(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        let scaled = (value * 100).rounded(.toNearestOrEven) / 100
        return scaled.isFinite ? scaled : value
    }

    /// `100 × part / whole` rounded to two decimals, 0.0 when `whole` is zero.
    static func percent(_ part: Int, of whole: Int) -> Double {
        guard whole > 0 else { return 0.0 }
        return rounded(100.0 * Double(part) / Double(whole)) ?? 0.0
    }

    /// A bin edge as the original labelled it: `1.5B`, `2.0M`, `3.4K`, `0.25`, `7`.
    static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000_000 { return String(format: "%.1fB", value / 1_000_000_000) }
        if magnitude >= 1_000_000 { return String(format: "%.1fM", value / 1_000_000) }
        if magnitude >= 1_000 { return String(format: "%.1fK", value / 1_000) }
        if value != value.rounded(.towardZero) { return String(format: "%.2f", value) }
        return String(Int(value))
    }

    /// A percentage as Python prints a float: `35.5`, `100.0`.
    static func text(_ value: Double) -> String { "\(value)" }

    /// A min or max: whole for integer columns, else rounded.
    static func number(_ value: DuckDBValue, isInteger: Bool) -> ProfileNumber? {
        if isInteger, let whole = value.int { return .integer(whole) }
        return rounded(value.double).map(ProfileNumber.decimal)
    }
}
