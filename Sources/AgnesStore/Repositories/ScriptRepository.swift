import AgnesCore
import Foundation

/// Admin-deployed scripts and the state of their latest run.
public protocol ScriptRepository: Sendable {
    /// Deploys a script with a fresh id and returns it.
    func deploy(name: String, source: String, schedule: String?, owner: String?, at time: Date) async throws
        -> DeployedScript
    /// The script with `id`.
    func find(id: String) async throws -> DeployedScript?
    /// Every script, by name.
    func list() async throws -> [DeployedScript]
    /// Deletes a script. Returns false when absent.
    @discardableResult
    func delete(id: String) async throws -> Bool
    /// Claims a script for a run: marks it `running` as of `time` unless it already is. Returns true
    /// when this caller won the claim, so two schedulers never start the same run.
    func claimRun(id: String, at time: Date) async throws -> Bool
    /// Records a run's state (`running` when it starts, `success`/`failure` when it ends) and when it
    /// started. `.notFound` when there is no such script.
    func recordRun(id: String, status: ScriptRunStatus, startedAt time: Date) async throws
}
