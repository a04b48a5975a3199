import AgnesCore
import AgnesData
import DuckDB
import Foundation

/// The `jira-consistency` job (REFERENCE §5.3): webhooks can be missed, so Jira's list of issues updated
/// in the last `maxAgeDays` (JQL search, `nextPageToken` pages of 100, `project = "<JIRA_PROJECT>"` when
/// set) is compared with what is served. Issues updated in the last five minutes are left to their
/// webhooks. An issue missing from the served table, or served older than Jira's `updated`, is
/// refetched through the processor, at most `maxAutoBackfill` per run. Alert levels: INFO up to 5
/// found, WARNING up to 10, ERROR beyond (the job fails, so its history shows it).
public struct JiraConsistencyCheck: Sendable {
    /// What a run found and did.
    public struct Report: Sendable, Hashable, CustomStringConvertible {
        /// Issues Jira listed (past the grace period).
        public var inJira = 0
        /// Keys missing from the served table.
        public var missing: [String] = []
        /// Keys served older than Jira's version.
        public var stale: [String] = []
        /// Keys without a raw file.
        public var missingRaw: [String] = []
        /// Keys refetched in this run.
        public var backfilled: [String] = []

        /// `ok`, `info`, `warning` or `error`.
        public var level: String {
            let found = missing.count + stale.count
            return found == 0 ? "ok" : found <= 5 ? "info" : found <= 10 ? "warning" : "error"
        }

        public var description: String {
            "\(level): \(inJira) issues in Jira, \(missing.count) missing, \(stale.count) stale, \(missingRaw.count) without a raw file, \(backfilled.count) backfilled"
                + (missing.isEmpty ? "" : " (missing: \(missing.prefix(10).joined(separator: ", ")))")
        }
    }

    /// Issues updated this recently are left to their webhooks.
    static let grace: TimeInterval = 300

    let processor: JiraProcessor
    let sourceDirectory: URL

    /// Creates the job's work.
    public init(processor: JiraProcessor, sourceDirectory: URL) {
        self.processor = processor
        self.sourceDirectory = sourceDirectory
    }

    /// Compares, repairs up to the bound (unless `autoFix` is false), waits for the repairs, and reports.
    public func run(maxAgeDays: Int = 30, autoFix: Bool = true, now: Date = Date()) async throws -> Report {
        let configuration = processor.configuration
        var jql = "updated >= -\(maxAgeDays)d"
        if let project = configuration.project {
            jql = "project = \"\(project.replacingOccurrences(of: "\"", with: "\\\""))\" AND " + jql
        }
        jql += " ORDER BY key ASC"
        var hits: [JiraSearchPage.Hit] = []
        var token: String?
        repeat {
            let page = try await processor.client.search(jql: jql, fields: ["updated"], pageToken: token)
            hits += page.hits
            token = page.nextPageToken
        } while token != nil
        let settled = hits.filter { ($0.updated ?? .distantPast) <= now.addingTimeInterval(-Self.grace) }
        let served = try await offloaded("agnes.jira.consistency") { [sourceDirectory] in
            try Self.servedIssues(sourceDirectory)
        }
        let raw = processor.rawDirectory
        var report = Report(inJira: settled.count)
        for hit in settled {
            if !FileManager.default.fileExists(atPath: JiraRawFiles.issueFile(raw, key: hit.key).path) {
                report.missingRaw.append(hit.key)
            }
            guard let servedAt = served[hit.key] else {
                report.missing.append(hit.key)
                continue
            }
            if let updated = hit.updated, servedAt.map({ $0 < updated.addingTimeInterval(-1) }) ?? true {
                report.stale.append(hit.key)
            }
        }
        if autoFix {
            report.backfilled = Array((report.missing + report.stale).prefix(configuration.maxAutoBackfill))
            try await processor.enqueue(report.backfilled.map { JiraQueueEntry.fetch($0) })
            await processor.idle()
        }
        return report
    }

    /// Served issue keys with their `updated_at`.
    static func servedIssues(_ sourceDirectory: URL) throws -> [String: Date?] {
        let file = sourceDirectory.appendingPathComponent("data/issues.parquet")
        guard FileManager.default.fileExists(atPath: file.path) else { return [:] }
        let connection = try Database(path: ":memory:").connect()
        var served: [String: Date?] = [:]
        for row in try connection.query(
            "SELECT issue_key, epoch_us(updated_at) FROM read_parquet(?)", [.varchar(file.path)]
        ).rows {
            guard let key = row[0].string else { continue }
            served[key] = row[1].int64.map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }
        }
        return served
    }
}
