import AgnesClient
import AgnesCore
import Foundation

/// What a pull did: the counts of REFERENCE §2.3's `--json` output (`tables_updated`,
/// `parquets_total`, `rules_count`, `duration_s`, `errors`) and the details behind them.
public struct PullReport: Sendable, Encodable {
    /// One problem: the stage it happened in, the table when it concerns one, and what to do.
    public struct Issue: Sendable, Encodable, Equatable {
        /// `manifest`, `download`, `views`, `memory_bundle`, `memory_knowledge`, `state`.
        public var stage: String
        /// The table concerned.
        public var table: String?
        /// The error code (`hash_mismatch`, `server_unreachable`, …).
        public var code: String
        /// What happened.
        public var error: String
        /// What to do.
        public var hint: String?

        /// An issue from a client error.
        public init(stage: String, table: String?, _ error: ClientError) {
            self.stage = stage
            self.table = table
            self.code = error.code.name
            self.error = error.message
            self.hint = error.hint
        }
    }

    /// A table fetched (or, in a dry run, to fetch).
    public struct Fetched: Sendable, Encodable, Equatable {
        /// The table id.
        public var table: String
        /// Why it was fetched.
        public var reason: PullPlan.Reason
        /// Its size.
        public var sizeBytes: Int64?
        /// Bytes transferred (less than the size after a resume).
        public var transferred: Int64?
        /// Where a resumed download continued from.
        public var resumedFrom: Int64?

        enum CodingKeys: String, CodingKey {
            case table, reason, transferred
            case sizeBytes = "size_bytes"
            case resumedFrom = "resumed_from"
        }
    }

    /// How long one phase of the pull took.
    public struct Phase: Sendable, Encodable, Equatable {
        /// `manifest`, `plan`, `download`, `views`, `rules`, `knowledge`, `state`.
        public var name: String
        /// Seconds.
        public var seconds: Double

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode((seconds * 1000).rounded() / 1000, forKey: .seconds)
        }

        enum CodingKeys: String, CodingKey { case name, seconds }
    }

    /// Tables downloaded.
    public var tablesUpdated = 0
    /// Tables the manifest lists for download.
    public var parquetsTotal = 0
    /// Corporate-memory items written as rules (nil when the server has none to offer).
    public var rulesCount: Int?
    /// Items in the local knowledge table (nil when it was not written: no memory routes, or failed).
    public var knowledgeCount: Int?
    /// Wall time of the pull.
    public var durationSeconds = 0.0
    /// Everything that failed; empty when the pull succeeded.
    public var errors: [Issue] = []
    /// Non-fatal notes.
    public var warnings: [String] = []
    /// Tables fetched (or to fetch, in a dry run).
    public var fetched: [Fetched] = []
    /// Tables removed from the workspace (or to remove).
    public var removed: [String] = []
    /// Remote tables (not downloaded).
    public var remote: [String] = []
    /// Bytes transferred.
    public var bytesDownloaded: Int64 = 0
    /// True for `--dry-run`: nothing was written.
    public var dryRun = false
    /// Where the time went.
    public var phases: [Phase] = []

    /// Creates an empty report.
    public init() {}

    /// True when nothing failed.
    public var isSuccess: Bool { errors.isEmpty }

    /// Tables that failed.
    public var failedTables: [String] { errors.compactMap(\.table) }

    enum CodingKeys: String, CodingKey {
        case errors, warnings, fetched, removed, remote, phases
        case tablesUpdated = "tables_updated"
        case parquetsTotal = "parquets_total"
        case rulesCount = "rules_count"
        case knowledgeCount = "knowledge_count"
        case durationSeconds = "duration_s"
        case bytesDownloaded = "bytes_downloaded"
        case dryRun = "dry_run"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tablesUpdated, forKey: .tablesUpdated)
        try container.encode(parquetsTotal, forKey: .parquetsTotal)
        try container.encode(rulesCount ?? 0, forKey: .rulesCount)
        try container.encode(knowledgeCount, forKey: .knowledgeCount)
        try container.encode((durationSeconds * 1000).rounded() / 1000, forKey: .durationSeconds)
        try container.encode(errors, forKey: .errors)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(fetched, forKey: .fetched)
        try container.encode(removed, forKey: .removed)
        try container.encode(remote, forKey: .remote)
        try container.encode(bytesDownloaded, forKey: .bytesDownloaded)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(phases, forKey: .phases)
    }

    /// The lines printed without `--json`: `Updated N tables (M total).`, `Rules: K.` and more.
    public var summaryLines: [String] {
        if dryRun {
            var lines = ["Would update \(fetched.count) of \(parquetsTotal) tables (\(ByteCount.text(plannedBytes)))."]
            lines += fetched.map { "  fetch  \($0.table) (\($0.reason.rawValue))" }
            lines += removed.map { "  remove \($0)" }
            return lines
        }
        var first = "Updated \(tablesUpdated) table\(tablesUpdated == 1 ? "" : "s") (\(parquetsTotal) total)"
        if !removed.isEmpty { first += ", removed \(removed.count)" }
        if bytesDownloaded > 0 {
            first += ", \(ByteCount.text(bytesDownloaded)) in \(String(format: "%.1f", durationSeconds)) s"
        }
        var lines = [first + "."]
        if let rulesCount { lines.append("Rules: \(rulesCount).") }
        if let knowledgeCount {
            lines.append("Knowledge: \(knowledgeCount) item\(knowledgeCount == 1 ? "" : "s") (agnes memory search).")
        }
        return lines
    }

    var plannedBytes: Int64 { fetched.reduce(0) { $0 + ($1.sizeBytes ?? 0) } }
}
