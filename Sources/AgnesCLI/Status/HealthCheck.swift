/// One verdict of `agnes diagnose`, `agnes diagnose system` or `agnes setup verify`: what was checked,
/// ok, warning or fail, what was found, and what to do about it.
///
/// ```swift
/// let checks = [HealthCheck(name: "disk", status: .warning, detail: "512 MB free", action: "free some space")]
/// print(HealthCheck.lines(checks, overall: HealthCheck.overall(checks)).joined(separator: "\n"))
/// ```
public struct HealthCheck: Sendable, Encodable, Equatable {
    /// `ok`, `warning` or `fail`.
    public enum Status: String, Sendable, Encodable { case ok, warning, fail }

    /// What was checked.
    public var name: String
    /// The verdict.
    public var status: Status
    /// What was found.
    public var detail: String
    /// What to do, when something is wrong.
    public var action: String?

    /// Creates a check.
    public init(name: String, status: Status, detail: String, action: String? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
        self.action = action
    }

    /// The worst status of `checks` (`ok` when there are none).
    public static func overall(_ checks: [HealthCheck]) -> Status {
        checks.contains { $0.status == .fail } ? .fail : checks.contains { $0.status == .warning } ? .warning : .ok
    }

    /// `[ok  ] name: detail` per check, `→ action` under it, then `overall: <status><suffix>`.
    public static func lines(_ checks: [HealthCheck], overall: Status, suffix: String = "") -> [String] {
        checks.flatMap { check -> [String] in
            let mark = check.status == .ok ? "ok  " : check.status == .warning ? "warn" : "FAIL"
            var lines = ["[\(mark)] \(check.name): \(check.detail)"]
            if let action = check.action { lines.append("       → \(action)") }
            return lines
        } + ["overall: \(overall.rawValue)\(suffix)"]
    }
}
