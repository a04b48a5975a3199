import Foundation
import Logging
import Synchronization

/// Imports existing issues through the webhook's path (`agnes jira backfill`, `POST
/// /api/admin/jira/backfill`): a JQL search page by page, each page's keys queued for the processor
/// (durably) before the page's `nextPageToken` is saved in `<raw>/backfill.json`. A backfill cut off by a
/// stop or a crash resumes at the saved page on the next start, or when the same JQL is asked for again;
/// another JQL starts over. One backfill runs at a time.
public final class JiraBackfill: Sendable {
    /// A backfill's progress, as stored and as the API shows it.
    public struct Status: Sendable, Hashable, Codable {
        public var jql: String
        public var nextPageToken: String?
        public var pages: Int
        public var queued: Int
        public var startedAt: Date
        public var finishedAt: Date?
        public var error: String?
        /// True while it runs in this process.
        public var running: Bool

        enum CodingKeys: String, CodingKey {
            case jql, pages, queued, error, running
            case nextPageToken = "next_page_token"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
        }
    }

    /// Why a backfill cannot start.
    public enum StartError: Error, Sendable, Equatable, CustomStringConvertible {
        case alreadyRunning(String)
        case noQuery

        public var description: String {
            switch self {
            case .alreadyRunning(let jql): "a backfill is already running (\(jql))"
            case .noQuery: "no JQL given and JIRA_PROJECT is not set: say which issues to import with --jql"
            }
        }
    }

    /// Queued issues above which the backfill waits for the processor before reading the next page.
    static let highWater = 1000

    let processor: JiraProcessor
    let file: URL
    let logger: Logger
    private let state = Mutex<Status?>(nil)
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Creates the backfill of `processor`'s Jira.
    public init(processor: JiraProcessor, logger: Logger) {
        self.processor = processor
        self.file = processor.rawDirectory.appendingPathComponent("backfill.json")
        self.logger = logger
        state.withLock { $0 = Self.load(file) }
    }

    /// The current or last backfill.
    public var status: Status? { state.withLock { $0 } }

    /// The JQL used when none is given: the configured project's issues, oldest first.
    public var defaultJQL: String? {
        processor.configuration.project.map {
            "project = \"\($0.replacingOccurrences(of: "\"", with: "\\\""))\" ORDER BY created ASC"
        }
    }

    /// Starts (or resumes) a backfill of `jql` (default: the project's issues) in the background.
    @discardableResult
    public func start(jql: String?) throws(StartError) -> Status {
        guard let jql = jql?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty ?? defaultJQL else {
            throw .noQuery
        }
        let status = try state.withLock { current throws(StartError) -> Status in
            if let current, current.running { throw .alreadyRunning(current.jql) }
            var next: Status
            if let current, current.jql == jql, current.finishedAt == nil {
                next = current  // resume where it stopped
                next.error = nil
            } else {
                next = Status(
                    jql: jql, nextPageToken: nil, pages: 0, queued: 0, startedAt: Date(), finishedAt: nil, error: nil,
                    running: false)
            }
            next.running = true
            current = next
            return next
        }
        save(status)
        task.withLock { $0 = Task { [self] in await run() } }
        return status
    }

    /// Resumes a backfill the last process left unfinished (call once at start-up).
    public func resumeIfUnfinished() {
        guard let stored = status, stored.finishedAt == nil, stored.error == nil, !stored.running else { return }
        logger.info("jira: resuming the backfill", metadata: ["jql": "\(stored.jql)", "pages": "\(stored.pages)"])
        _ = try? start(jql: stored.jql)
    }

    /// Waits for the running backfill (tests).
    public func wait() async { await task.withLock { $0 }?.value }

    private func run() async {
        guard var current = status else { return }
        do {
            repeat {
                if processor.pendingCount > Self.highWater { await processor.idle() }
                let page = try await processor.client.search(
                    jql: current.jql, fields: ["updated"], pageToken: current.nextPageToken)
                try await processor.enqueue(page.hits.map { JiraQueueEntry.fetch($0.key) })
                current.pages += 1
                current.queued += page.hits.count
                current.nextPageToken = page.nextPageToken
                if page.nextPageToken == nil { current.finishedAt = Date() }
                update(current)
            } while current.finishedAt == nil
            await processor.idle()
        } catch {
            current.error = "\(error)"
            logger.error("jira: backfill failed", metadata: ["error": "\(error)"])
        }
        current.running = false
        update(current)
    }

    private func update(_ status: Status) {
        state.withLock { $0 = status }
        save(status)
    }

    private func save(_ status: Status) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        var stored = status
        stored.running = false
        if let data = try? encoder.encode(stored) { try? JiraRawFiles.writeAtomically(data, to: file) }
    }

    static func load(_ file: URL) -> Status? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? Data(contentsOf: file)).flatMap { try? decoder.decode(Status.self, from: $0) }
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
