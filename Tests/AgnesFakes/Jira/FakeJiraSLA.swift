import Foundation

/// Values of Jira Service Management SLA fields (`SlaInformation` of the JSM REST API, which is also the
/// shape of the SLA custom field in an issue's `fields`).
///
/// ```swift
/// issue.sla[FakeJiraSLA.firstResponse] = FakeJiraSLA.completed(
///     name: "Time to first response", cycles: [.init(start: opened, stop: answered, goal: 4 * 3600)])
/// issue.sla[FakeJiraSLA.timeToResolution] = FakeJiraSLA.ongoing(
///     name: "Time to resolution", start: opened, goal: 8 * 3600, elapsed: 3 * 3600)
/// ```
public enum FakeJiraSLA {
    /// The field of the "Time to first response" SLA.
    public static let firstResponse = "customfield_10328"
    /// The field of the "Time to resolution" SLA.
    public static let timeToResolution = "customfield_10161"

    /// A finished cycle: from `start` to `stop`, elapsed `stop - start` unless given, breached when
    /// elapsed exceeds `goal` (seconds).
    public struct Cycle: Sendable, Hashable {
        public var start: Date
        public var stop: Date
        public var goal: TimeInterval
        public var elapsed: TimeInterval

        public init(start: Date, stop: Date, goal: TimeInterval, elapsed: TimeInterval? = nil) {
            self.start = start
            self.stop = stop
            self.goal = goal
            self.elapsed = elapsed ?? stop.timeIntervalSince(start)
        }
    }

    /// An SLA with a running (or paused) cycle started at `start`, `elapsed` seconds of `goal` used, after
    /// the `completed` cycles.
    public static func ongoing(
        id: String = "1", name: String, start: Date, goal: TimeInterval, elapsed: TimeInterval, paused: Bool = false,
        withinCalendarHours: Bool = true, completed: [Cycle] = []
    ) -> String {
        var object = header(id: id, name: name, completed: completed)
        object["ongoingCycle"] = [
            "startTime": date(start), "breachTime": date(start.addingTimeInterval(goal)), "breached": elapsed > goal,
            "paused": paused, "withinCalendarHours": withinCalendarHours, "goalDuration": duration(goal),
            "elapsedTime": duration(elapsed), "remainingTime": duration(goal - elapsed),
        ]
        return text(object)
    }

    /// An SLA with completed cycles only (the clock stopped).
    public static func completed(id: String = "1", name: String, cycles: [Cycle]) -> String {
        text(header(id: id, name: name, completed: cycles))
    }

    /// What the field holds when JSM cannot compute the SLA.
    public static func error(_ message: String) -> String {
        text(["errorMessage": message])
    }

    static func header(id: String, name: String, completed: [Cycle]) -> [String: Any] {
        [
            "id": id, "name": name,
            "_links": ["self": "https://fake.atlassian.net/rest/servicedeskapi/request/10000/sla/\(id)"],
            "completedCycles": completed.map { cycle -> [String: Any] in
                [
                    "startTime": date(cycle.start), "stopTime": date(cycle.stop),
                    "breachTime": date(cycle.start.addingTimeInterval(cycle.goal)),
                    "breached": cycle.elapsed > cycle.goal,
                    "goalDuration": duration(cycle.goal), "elapsedTime": duration(cycle.elapsed),
                    "remainingTime": duration(cycle.goal - cycle.elapsed),
                ]
            },
            "slaDisplayFormat": "NEW_SLA_FORMAT",
        ]
    }

    static func date(_ date: Date) -> [String: Any] {
        [
            "iso8601": JiraDate.iso8601(date), "jira": JiraDate.format(date), "friendly": JiraDate.friendly(date),
            "epochMillis": JiraDate.millis(date),
        ]
    }

    static func duration(_ seconds: TimeInterval) -> [String: Any] {
        ["millis": Int64(seconds * 1000), "friendly": JiraDate.friendlyDuration(seconds)]
    }

    static func text(_ object: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
