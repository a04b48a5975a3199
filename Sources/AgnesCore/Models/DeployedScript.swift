import Foundation

/// An admin-deployed Python script, optionally run on a schedule.
public struct DeployedScript: Sendable, Hashable, Codable {
    /// Stable id.
    public var id: String
    /// Display name.
    public var name: String
    /// Who deployed it.
    public var owner: String?
    /// Schedule expression, nil for run-on-demand only.
    public var schedule: String?
    /// The script's source code.
    public var source: String
    /// When it was deployed.
    public var deployedAt: Date?
    /// When it last started.
    public var lastRun: Date?
    /// How its latest run went; nil if it never ran.
    public var lastStatus: ScriptRunStatus?

    /// Creates a script value.
    public init(
        id: String, name: String, owner: String? = nil, schedule: String? = nil, source: String,
        deployedAt: Date? = nil, lastRun: Date? = nil, lastStatus: ScriptRunStatus? = nil
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.schedule = schedule
        self.source = source
        self.deployedAt = deployedAt
        self.lastRun = lastRun
        self.lastStatus = lastStatus
    }
}
