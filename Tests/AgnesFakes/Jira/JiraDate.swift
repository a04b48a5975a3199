import Foundation

/// Jira's date texts, all in UTC (the fake's users and site live in UTC).
enum JiraDate {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `2026-03-04T10:15:30.123+0000`, the format of `created`, `updated` and changelog dates.
    static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = Date(timeIntervalSince1970: TimeInterval(millis.floorDivided(by: 1000)))
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: seconds)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, Int(millis - millis.floorDivided(by: 1000) * 1000))
    }

    /// `2026-03-04T10:15:30+0000` (ISO 8601 without fractions, the SLA `iso8601` member).
    static func iso8601(_ date: Date) -> String {
        let text = format(date)
        return String(text.prefix(19)) + "+0000"
    }

    /// `04/Mar/26 10:15 AM`, how rendered fields and SLA `friendly` members show a date.
    static func friendly(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let hour = parts.hour ?? 0
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        let day = String(format: "%02d", parts.day ?? 0)
        let year = String(format: "%02d", (parts.year ?? 0) % 100)
        let minute = String(format: "%02d", parts.minute ?? 0)
        return "\(day)/\(months[(parts.month ?? 1) - 1])/\(year) \(twelve):\(minute) \(hour < 12 ? "AM" : "PM")"
    }

    /// Milliseconds since 1970.
    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// `2h 30m`, `45m`, `-1h 5m`: how JSM shows a duration.
    static func friendlyDuration(_ seconds: TimeInterval) -> String {
        let minutes = Int((abs(seconds) / 60).rounded(.down))
        let text =
            switch (minutes / 60, minutes % 60) {
            case (0, let m): "\(m)m"
            case (let h, 0): "\(h)h"
            case (let h, let m): "\(h)h \(m)m"
            }
        return seconds < 0 ? "-" + text : text
    }

    /// A JQL date value: `yyyy/MM/dd HH:mm`, `yyyy-MM-dd HH:mm`, `yyyy/MM/dd`, `yyyy-MM-dd`, or a period
    /// relative to `now` such as `-5d`, `-30m`, `-4w 2d`, `+1h`.
    static func jql(_ text: String, now: Date) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let relative = period(trimmed) { return now.addingTimeInterval(relative) }
        let parts = trimmed.split(separator: " ")
        guard (1...2).contains(parts.count) else { return nil }
        let day = parts[0].split(whereSeparator: { $0 == "/" || $0 == "-" }).compactMap { Int($0) }
        guard day.count == 3, parts[0].count == 10 else { return nil }
        var components = DateComponents(year: day[0], month: day[1], day: day[2], hour: 0, minute: 0)
        if parts.count == 2 {
            let time = parts[1].split(separator: ":").compactMap { Int($0) }
            guard time.count == 2 else { return nil }
            components.hour = time[0]
            components.minute = time[1]
        }
        guard components.isValidDate(in: utc) else { return nil }
        return utc.date(from: components)
    }

    /// Seconds of a JQL period (`-5d`, `-4w 2d`, `30m`), or nil when `text` is not one.
    static func period(_ text: String) -> TimeInterval? {
        var rest = Substring(text)
        var sign: TimeInterval = 1
        if rest.first == "-" || rest.first == "+" {
            sign = rest.first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        var total: TimeInterval = 0
        var matched = false
        for part in rest.split(separator: " ") {
            guard let unit = part.last, let amount = Int(part.dropLast()) else { return nil }
            let scale: TimeInterval
            switch unit {
            case "w": scale = 7 * 86_400
            case "d": scale = 86_400
            case "h": scale = 3_600
            case "m": scale = 60
            default: return nil
            }
            total += TimeInterval(amount) * scale
            matched = true
        }
        return matched ? sign * total : nil
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
