import Foundation

/// When something recurs: `every <N>m`, `every <N>h` (N > 0), `daily HH:MM[,HH:MM…]` or
/// `weekly <mon|tue|…|sun> HH:MM`, in UTC (REFERENCE §6.1; weekly for the deep Jira consistency
/// check). One grammar for the scheduler's jobs and for tables' `sync_schedule`.
///
/// ```swift
/// let schedule = try Schedule(parsing: "daily 03:00,15:30")
/// schedule.isDue(lastRun: lastRun, now: Date())
/// ```
public struct Schedule: Sendable, Hashable, CustomStringConvertible {
    /// The two shapes a schedule takes.
    public enum Kind: Sendable, Hashable {
        /// At most once per interval (seconds).
        case every(seconds: Int)
        /// Once at each of these times of the UTC day (minutes since midnight, sorted, unique).
        case daily(minutes: [Int])
        /// Once a week: on `weekday` (0 = Monday … 6 = Sunday) at `minute` of the UTC day.
        case weekly(weekday: Int, minute: Int)
    }

    /// Weekday names of the grammar, Monday first.
    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// What the schedule is.
    public let kind: Kind

    /// Parses the grammar; the error says what is wrong in words.
    public init(parsing text: String) throws(ScheduleError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let words = trimmed.split(separator: " ", omittingEmptySubsequences: true)
        if words.count == 3, words[0] == "weekly" {
            let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
            guard let weekday = Self.weekdays.firstIndex(of: String(words[1])) ?? full.firstIndex(of: String(words[1])),
                let minute = Self.minute(of: words[2])
            else { throw ScheduleError(text) }
            kind = .weekly(weekday: weekday, minute: minute)
            return
        }
        guard words.count == 2 else { throw ScheduleError(text) }
        switch words[0] {
        case "every":
            let amount = words[1]
            guard let unit = amount.last, unit == "m" || unit == "h", let count = Int(amount.dropLast()), count > 0,
                count <= 100_000
            else { throw ScheduleError(text) }
            kind = .every(seconds: count * (unit == "h" ? 3600 : 60))
        case "daily":
            var minutes: Set<Int> = []
            for time in words[1].split(separator: ",", omittingEmptySubsequences: false) {
                guard let minute = Self.minute(of: time) else { throw ScheduleError(text) }
                minutes.insert(minute)
            }
            kind = .daily(minutes: minutes.sorted())
        default:
            throw ScheduleError(text)
        }
    }

    /// Minutes since midnight of `HH:MM`.
    static func minute(of time: Substring) -> Int? {
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]),
            let minute = Int(parts[1]),
            (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    /// A schedule of `seconds`, written as the scheduler's environment intervals are (REFERENCE §6.1):
    /// whole minutes rounded up, `every Nh` when an exact number of hours.
    public init(everySeconds seconds: Int) {
        let minutes = max(1, (seconds + 59) / 60)
        kind = .every(seconds: minutes * 60)
    }

    /// The schedule in the grammar.
    public var description: String {
        switch kind {
        case .every(let seconds):
            seconds % 3600 == 0 ? "every \(seconds / 3600)h" : "every \(seconds / 60)m"
        case .daily(let minutes):
            "daily " + minutes.map { String(format: "%02d:%02d", $0 / 60, $0 % 60) }.joined(separator: ",")
        case .weekly(let weekday, let minute):
            "weekly \(Self.weekdays[weekday]) " + String(format: "%02d:%02d", minute / 60, minute % 60)
        }
    }

    /// True when a run is due at `now`, given the last run (never run: due).
    public func isDue(lastRun: Date?, now: Date) -> Bool {
        guard let lastRun else { return true }
        switch kind {
        case .every(let seconds):
            return now.timeIntervalSince(lastRun) >= Double(seconds)
        case .daily(let minutes):
            let midnight = Self.midnight(of: now)
            return minutes.contains { minute in
                let target = midnight.addingTimeInterval(Double(minute * 60))
                return now >= target && lastRun < target
            }
        case .weekly:
            let target = lastOccurrence(atOrBefore: now)
            return lastRun < target
        }
    }

    /// The latest weekly occurrence at or before `date`.
    func lastOccurrence(atOrBefore date: Date) -> Date {
        guard case .weekly(let weekday, let minute) = kind else { return date }
        let midnight = Self.midnight(of: date)
        // 1970-01-01 was a Thursday (weekday 3).
        let today = (Int((midnight.timeIntervalSince1970 / 86_400).rounded()) + 3) % 7
        var target = midnight.addingTimeInterval(Double(((today - weekday + 7) % 7) * -86_400 + minute * 60))
        if target > date { target = target.addingTimeInterval(-7 * 86_400) }
        return target
    }

    /// When the next run falls due: `now` when it is due already.
    public func nextRun(lastRun: Date?, now: Date) -> Date {
        if isDue(lastRun: lastRun, now: now) { return now }
        switch kind {
        case .every(let seconds):
            return lastRun!.addingTimeInterval(Double(seconds))
        case .daily(let minutes):
            let midnight = Self.midnight(of: now)
            for day in 0...1 {
                for minute in minutes {
                    let target = midnight.addingTimeInterval(Double(day * 86_400 + minute * 60))
                    if target > now { return target }
                }
            }
            return midnight.addingTimeInterval(86_400 + Double(minutes[0] * 60))
        case .weekly:
            return lastOccurrence(atOrBefore: now).addingTimeInterval(7 * 86_400)
        }
    }

    /// The UTC midnight that starts `date`'s day.
    static func midnight(of date: Date) -> Date {
        let seconds = date.timeIntervalSince1970
        return Date(timeIntervalSince1970: (seconds / 86_400).rounded(.down) * 86_400)
    }
}

/// A schedule that does not follow the grammar.
public struct ScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text given.
    public let text: String

    init(_ text: String) { self.text = text }

    /// Names the grammar, for a 422 `detail` or a configuration error.
    public var description: String {
        "invalid schedule '\(text)': use 'every <N>m', 'every <N>h' (N > 0), 'daily HH:MM[,HH:MM...]' or 'weekly <mon..sun> HH:MM' (UTC)"
    }
}
