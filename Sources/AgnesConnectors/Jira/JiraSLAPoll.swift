import AgnesCore
import AgnesData
import DuckDB
import Foundation

/// The `jira-sla-poll` job (REFERENCE §5.3): SLA clocks run without Jira sending events, so every 15
/// minutes the open issues that carry SLA data (status category not Done, an elapsed time present) are
/// read again through the SLA account — the SLA fields, status, resolution date and `updated` — and
/// their raw files updated and transformed again. An issue whose status category became Done is
/// "healed"; one Jira no longer has is handed to the processor, which removes it.
public struct JiraSLAPoll: Sendable {
    /// What a run did.
    public struct Report: Sendable, Hashable, CustomStringConvertible {
        public var polled = 0
        public var updated = 0
        public var healed = 0
        public var gone = 0
        public var failed = 0

        public var description: String {
            "polled \(polled) open issues with SLA data: \(updated) updated, \(healed) healed, \(gone) gone, \(failed) failed"
        }
    }

    let processor: JiraProcessor
    let client: JiraClient
    let configuration: JiraConfiguration
    let sourceDirectory: URL

    /// Creates the job's work.
    public init(processor: JiraProcessor, sourceDirectory: URL) {
        self.processor = processor
        self.client = processor.client
        self.configuration = processor.configuration
        self.sourceDirectory = sourceDirectory
    }

    /// Polls, waits for the transforms, and reports.
    public func run() async throws -> Report {
        guard configuration.slaAccount != nil else {
            throw JiraError(
                .notConfigured,
                "no SLA account is configured (JIRA_CLOUD_ID or JIRA_SLA_BASE_URL, JIRA_SLA_EMAIL, JIRA_SLA_API_TOKEN)")
        }
        let keys = try await offloaded("agnes.jira.sla") { [sourceDirectory] in try Self.openIssues(sourceDirectory) }
        var report = Report(polled: keys.count)
        let raw = processor.rawDirectory
        var entries: [JiraQueueEntry] = []
        for key in keys {
            do {
                guard let sla = try await client.slaFields(key) else {
                    report.gone += 1
                    entries.append(.fetch(key))
                    continue
                }
                guard let healed = try await offloaded("agnes.jira.sla", { try Self.update(raw, key: key, with: sla) })
                else {
                    entries.append(.fetch(key))
                    continue
                }
                report.updated += 1
                if healed { report.healed += 1 }
                entries.append(.retransform(key))
            } catch {
                report.failed += 1
                if let error = error as? JiraError, error.kind == .authFailed { throw error }
            }
        }
        try await processor.enqueue(entries)
        await processor.idle()
        return report
    }

    /// Open issues with SLA data, from the published `issues` table.
    static func openIssues(_ sourceDirectory: URL) throws -> [String] {
        let file = sourceDirectory.appendingPathComponent("data/issues.parquet")
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let connection = try Database(path: ":memory:").connect()
        return try connection.query(
            """
            SELECT issue_key FROM read_parquet(?) WHERE coalesce(status_category, '') <> 'Done'
              AND (first_response_elapsed_millis IS NOT NULL OR time_to_resolution_elapsed_millis IS NOT NULL)
            ORDER BY issue_key
            """, [.varchar(file.path)]
        ).rows.compactMap { $0[0].string }
    }

    /// Copies the SLA answer's fields into the raw file; returns whether the issue is now done (healed),
    /// nil when there is no raw file to update.
    static func update(_ raw: URL, key: String, with sla: Data) throws -> Bool? {
        guard var issue = JiraRawFiles.readIssue(raw, key: key),
            let answer = try JSONSerialization.jsonObject(with: sla) as? [String: Any],
            let polled = answer["fields"] as? [String: Any]
        else { return nil }
        var fields = issue["fields"] as? [String: Any] ?? [:]
        for name in JiraFields.slaFields + ["status", "resolutiondate", "updated"] {
            if let value = polled[name] { fields[name] = value }
        }
        issue["fields"] = fields
        issue["_synced_at"] = JiraTime.text(Date())
        try JiraRawFiles.writeAtomically(
            try JSONSerialization.data(withJSONObject: issue, options: [.sortedKeys]),
            to: JiraRawFiles.issueFile(raw, key: key))
        let category = ((fields["status"] as? [String: Any])?["statusCategory"] as? [String: Any])?["key"] as? String
        return category == "done"
    }
}
