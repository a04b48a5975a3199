import DuckDB
import Foundation

/// Jira's timestamps (`2026-03-04T10:15:30.123+0000`, also `Z` or `+01:00`) and dates, read exactly:
/// to microseconds since the epoch, with integer arithmetic.
enum JiraTime {
    /// Microseconds since the epoch, nil when `text` is not a Jira timestamp.
    static func microseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[from..<(from + count)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes.count >= 19, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 32,
            bytes[13] == 58, bytes[16] == 58,
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if digits < 6 { fraction = fraction * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in digits..<max(digits, 6) { fraction *= 10 }
        }
        var offset: Int64 = 0
        if index < bytes.count {
            if bytes[index] == 90 {  // Z
                index += 1
            } else if bytes[index] == 43 || bytes[index] == 45 {
                let sign: Int64 = bytes[index] == 45 ? -1 : 1
                guard let hours = number(index + 1, 2) else { return nil }
                var at = index + 3
                if at < bytes.count, bytes[at] == 58 { at += 1 }
                guard let minutes = number(at, 2) else { return nil }
                offset = sign * (hours * 3600 + minutes * 60)
                index = at + 2
            }
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return seconds * 1_000_000 + fraction
    }

    /// The date of a Jira timestamp.
    static func date(_ text: String) -> Date? {
        microseconds(text).map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }
    }

    /// `YYYY-MM` (UTC) of a timestamp in microseconds.
    static func month(ofMicroseconds value: Int64) -> String {
        let days = value >= 0 ? value / 86_400_000_000 : (value - 86_399_999_999) / 86_400_000_000
        let (year, month, _) = civil(fromDays: days)
        return String(format: "%04lld-%02lld", year, month)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        Int64(CivilCalendar.days(year: Int(year), month: Int(month), day: Int(day)))
    }

    /// The date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let date = CivilCalendar.civil(days: Int(days))
        return (Int64(date.year), Int64(date.month), Int64(date.day))
    }

    /// Jira's format for a date (what the raw JSON's `_synced_at` carries).
    static func text(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) * 1000
        let days = micros >= 0 ? micros / 86_400_000_000 : (micros - 86_399_999_999) / 86_400_000_000
        let (year, month, day) = civil(fromDays: days)
        let rest = (micros - days * 86_400_000_000) / 1000
        let (h, m, s, ms) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000)
        return String(format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lld+0000", year, month, day, h, m, s, ms)
    }
}
