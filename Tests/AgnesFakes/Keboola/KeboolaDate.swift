import Foundation

/// Dates the way Keboola writes and reads them.
enum KeboolaDate {
    /// Where the fake clock starts: 2026-01-01T00:00:00Z.
    static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    /// `2026-01-01T00:00:00+0000`: Storage API dates carry an offset without a colon (apiary examples).
    static func storage(_ date: Date) -> String {
        String(date.formatted(.iso8601).dropLast()) + "+0000"
    }

    /// `2026-01-01T00:00:00+00:00`, the form of AWS federation credentials' `Expiration` (apiary example).
    static func aws(_ date: Date) -> String {
        String(date.formatted(.iso8601).dropLast()) + "+00:00"
    }

    /// `2026-01-01 00:00:00`, Snowflake's default rendering of a `TIMESTAMP_NTZ` (the `_timestamp` column).
    static func snowflake(_ date: Date) -> String {
        date.formatted(.iso8601).dropLast().replacingOccurrences(of: "T", with: " ")
    }

    /// A `changedSince` / `changedUntil` value: unix seconds (documented for export-async), ISO 8601 with
    /// or without an offset (`2013-02-12T15:19:21+00:00`, `…+0000`, `…Z`, `2013-02-12 15:19:21`, UTC when
    /// none), a date, or a relative `strtotime` phrase such as `-2 days` (documented for data preview)
    /// against the fake clock `now`.
    static func filter(_ text: String, now: Date) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text) { return Date(timeIntervalSince1970: TimeInterval(seconds)) }
        if let date = relative(text, now: now) { return date }
        var iso = text.replacingOccurrences(of: " ", with: "T")
        if iso.count == 10 { iso += "T00:00:00" }
        // `+hhmm` → `+hh:mm`; no zone → UTC.
        if let sign = iso.dropFirst(19).firstIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = iso[sign...].replacingOccurrences(of: ":", with: "")
            guard zone.count == 5 else { return nil }
            iso = String(iso[..<sign]) + String(zone.prefix(3)) + ":" + String(zone.suffix(2))
        } else if !iso.hasSuffix("Z") {
            iso += "Z"
        }
        if let date = try? Date(iso, strategy: .iso8601) { return date }
        return try? Date(iso, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `[+|-]N second|minute|hour|day|week[s]` relative to `now`.
    private static func relative(_ text: String, now: Date) -> Date? {
        let parts = text.lowercased().split(separator: " ")
        guard parts.count == 2, let amount = Int(parts[0].hasPrefix("+") ? parts[0].dropFirst() : parts[0]) else {
            return nil
        }
        let units: [String: Int] = ["second": 1, "minute": 60, "hour": 3600, "day": 86_400, "week": 604_800]
        let unit = parts[1].hasSuffix("s") ? String(parts[1].dropLast()) : String(parts[1])
        guard let seconds = units[unit] else { return nil }
        return now.addingTimeInterval(TimeInterval(amount * seconds))
    }
}
