/// The state of a deployed script's latest run.
public enum ScriptRunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case running
    case success
    case failure
}
