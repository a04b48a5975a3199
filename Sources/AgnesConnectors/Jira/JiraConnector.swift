import AgnesCore
import AgnesData
import Foundation

/// The Jira source in the sync pipeline. Its six tables are pushed by webhooks (``JiraProcessor``) and
/// kept right by the `jira-sla-poll` and `jira-consistency` jobs, so a sync run has nothing to pull:
/// it says so per table instead of pretending to sync. Discovery offers the six tables when Jira is
/// configured.
public struct JiraConnector: Connector {
    public let sourceType = "jira"
    public let registersDiscoveredTables = false
    let isConfigured: @Sendable () -> Bool

    /// Creates the connector; `isConfigured` is asked at every call.
    public init(isConfigured: @escaping @Sendable () -> Bool) { self.isConfigured = isConfigured }

    public func discover() async throws -> [DiscoveredTable] {
        let problem = isConfigured() ? nil : "Jira is not configured (JIRA_DOMAIN, JIRA_EMAIL, JIRA_API_TOKEN)"
        return JiraTable.allCases.map {
            DiscoveredTable(id: $0.rawValue, sourceName: $0.rawValue, problem: problem, description: $0.summary)
        }
    }

    public func sync(_ request: ConnectorSyncRequest) async throws -> ConnectorSyncResult {
        let reason =
            isConfigured()
            ? "Jira tables are kept current by its webhooks and the jira-sla-poll and jira-consistency jobs"
            : "Jira is not configured (JIRA_DOMAIN, JIRA_EMAIL, JIRA_API_TOKEN)"
        return ConnectorSyncResult(
            outcomes: request.due.map {
                SyncTableOutcome(tableID: $0.id, source: sourceType, kind: .skipped, reason: reason)
            },
            changedExtract: false)
    }
}
