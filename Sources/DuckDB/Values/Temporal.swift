import Foundation

/// A calendar date: days since 1970-01-01.
public struct DuckDBDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since the Unix epoch (negative before it).
    public var days: Int32

    /// Wraps a day count.
    public init(days: Int32) { self.days = days }

    /// Builds a date from its civil parts (proleptic Gregorian).
    public init(year: Int, month: Int, day: Int) {
        self.days = Int32(CivilCalendar.days(year: year, month: month, day: day))
    }

    /// The civil (year, month, day).
    public var components: (year: Int, month: Int, day: Int) { CivilCalendar.civil(days: Int(days)) }

    /// ISO 8601 text, e.g. `2024-02-29`; DuckDB's `infinity` / `-infinity` at the extremes.
    public var description: String {
        if days == Int32.max { return "infinity" }
        if days == -Int32.max { return "-infinity" }
        let (year, month, day) = components
        return CivilCalendar.formatYear(year) + "-" + CivilCalendar.pad(month) + "-" + CivilCalendar.pad(day)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.days < rhs.days }
}

/// A time of day in microseconds since midnight.
public struct DuckDBTime: Sendable, Hashable, CustomStringConvertible {
    /// Microseconds since midnight.
    public var micros: Int64
    /// Wraps a microsecond count.
    public init(micros: Int64) { self.micros = micros }

    /// `HH:MM:SS[.ffffff]`.
    public var description: String { CivilCalendar.formatTime(micros: micros) }
}

/// A time of day with a UTC offset in seconds.
public struct DuckDBTimeTZ: Sendable, Hashable, CustomStringConvertible {
    /// Microseconds since midnight (local).
    public var micros: Int64
    /// Offset from UTC in seconds (east positive).
    public var offsetSeconds: Int32

    /// Wraps the parts.
    public init(micros: Int64, offsetSeconds: Int32) {
        self.micros = micros
        self.offsetSeconds = offsetSeconds
    }

    static let maxOffset: Int64 = 16 * 60 * 60 - 1

    init(bits: UInt64) {
        micros = Int64(bits >> 24)
        offsetSeconds = Int32(Self.maxOffset - Int64(bits & 0xFF_FFFF))
    }

    var bits: UInt64 { (UInt64(micros) << 24) | UInt64(Self.maxOffset - Int64(offsetSeconds)) }

    /// `HH:MM:SS[.ffffff]+HH[:MM]`.
    public var description: String {
        let sign = offsetSeconds < 0 ? "-" : "+"
        let magnitude = abs(Int(offsetSeconds))
        var offset = sign + CivilCalendar.pad(magnitude / 3600)
        if magnitude % 3600 != 0 { offset += ":" + CivilCalendar.pad(magnitude % 3600 / 60) }
        return CivilCalendar.formatTime(micros: micros) + offset
    }
}

/// A point in time, stored in the precision of its column.
public struct DuckDBTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The unit of ``value``.
    public enum Unit: Sendable, Hashable { case seconds, milliseconds, microseconds, nanoseconds }

    /// Units since the Unix epoch.
    public var value: Int64
    /// The unit of `value`.
    public var unit: Unit

    /// Wraps a count of `unit` since the epoch (microseconds by default, DuckDB's TIMESTAMP).
    public init(_ value: Int64, unit: Unit = .microseconds) {
        self.value = value
        self.unit = unit
    }

    /// A timestamp (microsecond precision) from a Foundation date.
    public init(_ date: Date) {
        self.init(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()), unit: .microseconds)
    }

    /// True for DuckDB's `infinity` / `-infinity`.
    public var isInfinite: Bool { value == Int64.max || value == -Int64.max }

    /// Microseconds since the epoch (nanoseconds are truncated).
    public var micros: Int64 {
        switch unit {
        case .seconds: value.multipliedReportingOverflow(by: 1_000_000).partialValue
        case .milliseconds: value.multipliedReportingOverflow(by: 1_000).partialValue
        case .microseconds: value
        case .nanoseconds: value / 1_000 - (value % 1_000 < 0 ? 1 : 0)
        }
    }

    /// The Foundation date (microsecond precision).
    public var date: Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` (nanoseconds shown for TIMESTAMP_NS), as DuckDB prints it.
    public var description: String { format(separator: " ") }

    /// ISO 8601 with a `T` separator, e.g. `2024-02-29T13:45:00`.
    public var isoString: String { format(separator: "T") }

    private func format(separator: String) -> String {
        if value == Int64.max { return "infinity" }
        if value == -Int64.max { return "-infinity" }
        let perDay: Int64 = 86_400_000_000
        let micros = self.micros
        var days = micros / perDay
        var rest = micros % perDay
        if rest < 0 {
            days -= 1
            rest += perDay
        }
        let date = DuckDBDate(days: Int32(truncatingIfNeeded: days))
        var text = date.description + separator + CivilCalendar.formatTime(micros: rest)
        if unit == .nanoseconds {
            let nanos = ((value % 1_000) + 1_000) % 1_000
            if nanos != 0 {
                if !text.contains(".") { text += ".000000" }
                text += CivilCalendar.pad(Int(nanos), width: 3)
            }
        }
        return text
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.micros < rhs.micros }
}

/// A DuckDB INTERVAL: months, days and microseconds kept apart, as DuckDB does.
public struct DuckDBInterval: Sendable, Hashable, CustomStringConvertible {
    /// Whole months.
    public var months: Int32
    /// Whole days.
    public var days: Int32
    /// Microseconds.
    public var micros: Int64

    /// Wraps the parts.
    public init(months: Int32 = 0, days: Int32 = 0, micros: Int64 = 0) {
        self.months = months
        self.days = days
        self.micros = micros
    }

    /// DuckDB's text, e.g. `1 year 2 months 3 days 04:05:06`.
    public var description: String {
        var parts: [String] = []
        let years = months / 12
        let restMonths = months % 12
        if years != 0 { parts.append("\(years) year" + (abs(years) == 1 ? "" : "s")) }
        if restMonths != 0 { parts.append("\(restMonths) month" + (abs(restMonths) == 1 ? "" : "s")) }
        if days != 0 { parts.append("\(days) day" + (abs(days) == 1 ? "" : "s")) }
        if micros != 0 || parts.isEmpty {
            let sign = micros < 0 ? "-" : ""
            parts.append(sign + CivilCalendar.formatTime(micros: abs(micros), allowOverflowHours: true))
        }
        return parts.joined(separator: " ")
    }
}

/// Proleptic Gregorian calendar arithmetic (days since 1970-01-01), free of time zones.
public enum CivilCalendar {
    /// Days since 1970-01-01 of a date.
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day count since 1970-01-01.
    public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func pad(_ value: Int, width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func formatYear(_ year: Int) -> String {
        year < 0 ? "-" + pad(-year, width: 4) : pad(year, width: 4)
    }

    static func formatTime(micros: Int64, allowOverflowHours: Bool = false) -> String {
        let totalSeconds = micros / 1_000_000
        let fraction = micros % 1_000_000
        let hours = totalSeconds / 3600
        var text = pad(Int(hours)) + ":" + pad(Int(totalSeconds % 3600 / 60)) + ":" + pad(Int(totalSeconds % 60))
        if fraction != 0 {
            var digits = pad(Int(fraction), width: 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }
}
