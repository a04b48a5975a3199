import Foundation

/// The in-process scheduler, from the `scheduler` section of `instance.yaml` and the original's
/// `SCHEDULER_*_INTERVAL` variables (seconds; REFERENCE §6.1).
///
/// ```yaml
/// scheduler:
///   enabled: true            # false when `agnes scheduler --url …` drives the jobs from outside
///   jobs:
///     data-refresh: {schedule: "every 30m"}
///     marketplaces: {enabled: false}
/// ```
public struct SchedulerSettings: Sendable, Hashable {
    /// One job's overrides.
    public struct JobOverride: Sendable, Hashable {
        /// A schedule replacing the job's default.
        public var schedule: Schedule?
        /// False to switch the job off.
        public var isEnabled: Bool
    }

    /// The jobs the scheduler knows, with their default schedules (the seed's cadences).
    public static let defaultSchedules: [String: String] = [
        "data-refresh": "every 15m", "health-check": "every 5m", "session-collector": "every 10m",
        "verification-detector": "every 15m", "corporate-memory": "every 17m", "script-runner": "every 1m",
        "marketplaces": "daily 03:00", "catalog-export": "every 6h", "jira-sla-poll": "every 15m",
        "jira-consistency": "every 30m", "jira-consistency-deep": "weekly sun 03:00",
    ]

    /// Environment variables (seconds) of the original's scheduler, by job.
    static let intervalVariables = [
        "data-refresh": "SCHEDULER_DATA_REFRESH_INTERVAL", "health-check": "SCHEDULER_HEALTH_CHECK_INTERVAL",
        "script-runner": "SCHEDULER_SCRIPT_RUN_INTERVAL",
    ]

    /// Whether this process drives the jobs on their schedules (`scheduler.enabled`).
    public var isEnabled: Bool
    /// Per-job overrides, by job name.
    public var jobs: [String: JobOverride]

    /// Creates settings: enabled, no overrides.
    public init(isEnabled: Bool = true, jobs: [String: JobOverride] = [:]) {
        self.isEnabled = isEnabled
        self.jobs = jobs
    }

    /// The schedule job `name` runs on: an override, else its default.
    public func schedule(of name: String) -> Schedule? {
        if let schedule = jobs[name]?.schedule { return schedule }
        return Self.defaultSchedules[name].flatMap { try? Schedule(parsing: $0) }
    }

    /// False when the job was switched off.
    public func isJobEnabled(_ name: String) -> Bool { jobs[name]?.isEnabled ?? true }

    /// Reads the section and the variables; an unknown job or a bad schedule is an error naming it.
    init(config: ConfigReader, environment: EnvironmentReader) throws(ConfigError) {
        var jobs: [String: JobOverride] = [:]
        let file = config.file(for: ["scheduler"])
        var isEnabled = true
        if let flag = try config.value(at: ["scheduler", "enabled"]) {
            guard let value = flag.boolValue else {
                throw .typeMismatch(file: file, key: "scheduler.enabled", expected: "true or false", got: flag)
            }
            isEnabled = value
        }
        for (name, variable) in Self.intervalVariables {
            guard let text = environment.string(variable) else { continue }
            guard let seconds = Int(text.trimmingCharacters(in: .whitespaces)), seconds > 0 else {
                throw .invalidEnvironment(variable: variable, expected: "a positive number of seconds", got: text)
            }
            jobs[name] = JobOverride(schedule: Schedule(everySeconds: seconds), isEnabled: true)
        }
        for (name, value) in try config.object(at: ["scheduler", "jobs"]) ?? [:] {
            let key = "scheduler.jobs.\(name)"
            guard Self.defaultSchedules[name] != nil else {
                let known = Self.defaultSchedules.keys.sorted().joined(separator: ", ")
                throw .invalidValue(file: file, key: key, expected: "one of the jobs \(known)", got: .string(name))
            }
            guard let members = value.objectValue ?? (value.isNull ? [:] : nil) else {
                throw .typeMismatch(file: file, key: key, expected: "an object", got: value)
            }
            var override = jobs[name] ?? JobOverride(schedule: nil, isEnabled: true)
            if let text = members["schedule"]?.stringValue {
                do {
                    override.schedule = try Schedule(parsing: text)
                } catch {
                    throw .invalidValue(
                        file: file, key: "\(key).schedule", expected: error.description, got: .string(text))
                }
            }
            if let flag = members["enabled"] {
                guard let enabled = flag.boolValue else {
                    throw .typeMismatch(file: file, key: "\(key).enabled", expected: "true or false", got: flag)
                }
                override.isEnabled = enabled
            }
            jobs[name] = override
        }
        self.init(isEnabled: isEnabled, jobs: jobs)
    }
}
