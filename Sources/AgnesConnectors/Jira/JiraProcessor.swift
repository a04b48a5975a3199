import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Logging
import Synchronization

/// Turns queued Jira events into published rows, behind the webhook's 200.
///
/// Events are coalesced by issue: whatever is queued when a round starts is one batch, every issue in
/// it fetched once (up to `fetchConcurrency` at a time; with its remote links and SLA fields), its raw
/// file written, and then every month the batch touches rewritten once, the six tables published once
/// and the analytics views rebuilt once (``afterPublish``). Events arriving meanwhile wait for the next
/// round, so a burst of 100 events on one issue costs one or two transforms, not 100.
///
/// An issue Jira answers 404 for (deleted, or no longer visible) has its rows removed everywhere and its
/// raw file marked `_deleted_at`; a deletion event is always checked this way, so a replayed deletion of a
/// live issue cannot remove it. When Jira cannot be reached, the event's embedded issue (if it has fields)
/// is used meanwhile, and the entry stays queued and is tried again with backoff: no event is lost.
///
/// ```swift
/// let processor = JiraProcessor(configuration: configuration, rawDirectory: raw, sourceDirectory: source,
///                               logger: logger, afterPublish: { _ in try await orchestrator.rebuildSource("jira") })
/// processor.start()
/// try await processor.enqueue([.init(key: "SUP-1", fetch: true, eventFile: nil)])
/// await processor.idle()
/// ```
public final class JiraProcessor: Sendable {
    /// What the processor has done since it started.
    public struct Statistics: Sendable, Hashable {
        /// Rounds run.
        public var rounds = 0
        /// Rounds that rewrote shards (each rewrites every month of its batch once).
        public var transforms = 0
        /// Issue fetches from Jira.
        public var fetches = 0
        /// Issues published (updated or removed).
        public var issuesPublished = 0
        /// Attachments downloaded.
        public var attachmentsDownloaded = 0
        /// The last failure, if any.
        public var lastError: String?
        /// Milliseconds of the last round's phases: `fetch`, `transform` (shards and publishing), `rebuild`.
        public var lastRoundMS: [String: Int] = [:]

        /// Nothing done yet.
        public init() {}
    }

    struct Pending: Sendable {
        var names: [String] = []
        var fetch = false
        var eventFile: String?
        var attempts = 0
        var notBefore: Date?
    }

    private struct State {
        var pending: [String: Pending] = [:]
        /// Issues of the round running now.
        var inFlight = 0
        var isStarted = false
        var isRunning = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var statistics = Statistics()
        var index: [String: String]?
    }

    /// How Jira is reached.
    public let configuration: JiraConfiguration
    let client: JiraClient
    /// The raw directory.
    public let rawDirectory: URL
    let inbox: JiraInbox
    let shards: JiraShards
    let afterPublish: @Sendable ([ExtractTable]) async throws -> Void
    let logger: Logger
    private let state = Mutex(State())
    private let signal: AsyncStream<Void>.Continuation
    private let signals: AsyncStream<Void>

    /// Creates a processor; nothing runs before ``start()``.
    public init(
        configuration: JiraConfiguration, client: JiraClient? = nil, rawDirectory: URL, sourceDirectory: URL,
        logger: Logger, afterPublish: @escaping @Sendable ([ExtractTable]) async throws -> Void
    ) {
        self.configuration = configuration
        self.client = client ?? JiraClient(configuration: configuration, logger: logger)
        self.rawDirectory = rawDirectory
        self.inbox = JiraInbox(directory: rawDirectory.appendingPathComponent("queue"))
        self.shards = JiraShards(sourceDirectory: sourceDirectory)
        self.afterPublish = afterPublish
        self.logger = logger
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // What the last process accepted and did not finish is pending from the start (and counted).
        let stored = inbox.stored()
        state.withLock { state in
            for (name, entry) in stored { Self.merge(entry, name: name, into: &state.pending) }
        }
    }

    /// What it has done.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Issues queued and not yet done: waiting, being processed, or waiting to be retried.
    public var pendingCount: Int { state.withLock { $0.pending.count + $0.inFlight } }

    /// Starts processing (what the last process left queued first).
    public func start() {
        let isFirst = state.withLock { state -> Bool in
            guard !state.isStarted else { return false }
            state.isStarted = true
            return true
        }
        guard isFirst else { return }
        let resumed = pendingCount
        if resumed > 0 { logger.info("jira: resuming \(resumed) queued issues") }
        Task { [self] in
            for await _ in signals { await drain() }
        }
        signal.yield()
    }

    /// Queues entries durably (before returning) and wakes the processor.
    public func enqueue(_ entries: [JiraQueueEntry]) async throws {
        guard !entries.isEmpty else { return }
        let inbox = self.inbox
        let names = try await offloaded("agnes.jira.queue") { try inbox.add(entries.map(\.entry)) }
        state.withLock { state in
            for (entry, name) in zip(entries, names) { Self.merge(entry.entry, name: name, into: &state.pending) }
        }
        signal.yield()
    }

    /// Makes entries waiting for a retry ready now (an admin who fixed the cause; tests).
    public func retryWaiting() {
        state.withLock { state in
            for key in state.pending.keys { state.pending[key]?.notBefore = nil }
        }
        signal.yield()
    }

    /// Returns when no round runs and nothing is ready to run (entries waiting for a retry do not count).
    public func idle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isIdle = state.withLock { state -> Bool in
                let ready = state.pending.values.contains { $0.notBefore == nil }
                if !state.isRunning, !(state.isStarted && ready) { return true }
                state.waiters.append(continuation)
                return false
            }
            if isIdle { continuation.resume() }
        }
    }

    /// Issues in one round at most (a backfill publishes as it goes, not once at the end).
    static let maxBatch = 500

    static func merge(_ entry: JiraInbox.Entry, name: String, into pending: inout [String: Pending]) {
        var item = pending[entry.key] ?? Pending()
        item.names.append(name)
        item.fetch = item.fetch || entry.fetch
        if let file = entry.eventFile { item.eventFile = file }
        item.notBefore = nil
        pending[entry.key] = item
    }

    // MARK: - Rounds

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [String: Pending] in
                let now = Date()
                var ready: [String: Pending] = [:]
                for (key, pending) in state.pending where pending.notBefore.map({ $0 <= now }) ?? true {
                    guard ready.count < Self.maxBatch else { break }
                    ready[key] = pending
                }
                for key in ready.keys { state.pending[key] = nil }
                state.isRunning = !ready.isEmpty
                state.inFlight = ready.count
                return ready
            }
            if batch.isEmpty {
                let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume() }
                return
            }
            await round(batch)
        }
    }

    /// What happened to one issue of a round.
    enum Outcome: Sendable {
        case updated
        /// Updated from the event's embedded issue; Jira itself must be asked again.
        case fallback(String)
        case deleted
        case failed(String)
    }

    private func round(_ batch: [String: Pending]) async {
        let clock = ContinuousClock()
        var phases: [String: Int] = [:]
        var lap = clock.now
        func record(_ phase: String) {
            let now = clock.now
            let elapsed = (now - lap).components
            phases[phase] = Int(elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000)
            lap = now
        }
        let outcomes = await fetchAll(batch)
        record("fetch")
        let updated = outcomes.filter {
            if case .updated = $0.value { return true }
            if case .fallback = $0.value { return true }
            return false
        }.map(\.key)
        let deleted = outcomes.filter { if case .deleted = $0.value { return true } else { return false } }.map(\.key)
        var failures: [String: String] = [:]
        for (key, outcome) in outcomes {
            if case .failed(let reason) = outcome { failures[key] = reason }
            if case .fallback(let reason) = outcome { failures[key] = reason }
        }
        var published: (tables: [ExtractTable], downloads: [AttachmentDownload])?
        var isHandled = true
        if !updated.isEmpty || !deleted.isEmpty {
            do {
                published = try await publish(updated: updated, deleted: deleted, failures: &failures)
            } catch {
                isHandled = false
                logger.error("jira: publishing failed", metadata: ["error": "\(error)"])
                for key in updated + deleted { failures[key] = "publishing failed: \(error)" }
            }
        }
        record("transform")
        if let published {
            do { try await afterPublish(published.tables) } catch {
                logger.error("jira: the rebuild after publishing failed", metadata: ["error": "\(error)"])
            }
            record("rebuild")
        }
        // Bookkeeping: handled entries leave the queue; failed ones are tried again later.
        var handled: [String] = []
        var retry: [(String, Pending)] = []
        for (key, pending) in batch {
            if let reason = failures[key] {
                var again = pending
                again.attempts += 1
                again.fetch = true
                again.notBefore = Date().addingTimeInterval(Self.backoff(attempts: again.attempts))
                retry.append((key, again))
                logger.warning(
                    "jira: \(key) will be tried again",
                    metadata: ["reason": "\(reason)", "attempt": "\(again.attempts)"])
            } else {
                handled += pending.names
            }
        }
        let (inbox, done) = (self.inbox, handled)
        _ = try? await offloaded("agnes.jira.queue") { inbox.remove(done) }
        let delays = state.withLock { state -> [TimeInterval] in
            state.inFlight = 0
            state.statistics.rounds += 1
            state.statistics.lastRoundMS = phases
            if let lastFailure = failures.values.first { state.statistics.lastError = lastFailure }
            if isHandled { state.statistics.issuesPublished += updated.count + deleted.count }
            for (key, again) in retry {
                if var newer = state.pending[key] {
                    // Newer events arrived meanwhile: they run at once, carrying the older entries.
                    newer.names += again.names
                    newer.fetch = true
                    state.pending[key] = newer
                } else {
                    state.pending[key] = again
                }
            }
            return retry.compactMap { $0.1.notBefore?.timeIntervalSinceNow }
        }
        if let delay = delays.min() {
            let signal = self.signal
            Task {
                try? await Task.sleep(for: .milliseconds(Int(max(0, delay) * 1000) + 10))
                signal.yield()
            }
        }
        if let published { await download(published.downloads) }
    }

    /// Seconds before attempt `attempts + 1`: 2, 4, 8 … capped at 10 minutes.
    static func backoff(attempts: Int) -> TimeInterval { min(600, pow(2, Double(min(attempts, 10)))) }

    private func fetchAll(_ batch: [String: Pending]) async -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        var keys = batch.keys.sorted()[...]
        await withTaskGroup(of: (String, Outcome).self) { group in
            func next() {
                guard let key = keys.popFirst() else { return }
                let pending = batch[key]!
                group.addTask { [self] in (key, await fetch(key, pending)) }
            }
            for _ in 0..<configuration.fetchConcurrency { next() }
            for await (key, outcome) in group {
                outcomes[key] = outcome
                next()
            }
        }
        return outcomes
    }

    private func fetch(_ key: String, _ pending: Pending) async -> Outcome {
        let raw = rawDirectory
        guard pending.fetch else {
            let exists = FileManager.default.fileExists(atPath: JiraRawFiles.issueFile(raw, key: key).path)
            return exists ? .updated : .failed("\(key) has no raw file to transform")
        }
        state.withLock { $0.statistics.fetches += 1 }
        do {
            guard let issue = try await client.issue(key) else { return .deleted }
            // Remote links and SLA fields enrich the issue; when they fail it is stored without them.
            var remoteLinks: Data?
            do { remoteLinks = try await client.remoteLinks(key) } catch {
                logger.warning("jira: remote links of \(key) failed", metadata: ["error": "\(error)"])
            }
            var sla: Data?
            do { sla = try await client.slaFields(key) } catch {
                logger.warning("jira: SLA fields of \(key) failed", metadata: ["error": "\(error)"])
            }
            let merged = try JiraRawIssue.merge(issue: issue, remoteLinks: remoteLinks, sla: sla, now: Date())
            try await offloaded("agnes.jira.raw") {
                try JiraRawFiles.writeAtomically(merged, to: JiraRawFiles.issueFile(raw, key: key))
            }
            return .updated
        } catch {
            // Jira cannot be reached: the event's own copy of the issue serves meanwhile.
            let usedEmbedded =
                await
                (try? offloaded("agnes.jira.raw") { () -> Bool in
                    guard let eventFile = pending.eventFile,
                        let embedded = JiraRawIssue.embedded(in: raw.appendingPathComponent(eventFile), now: Date())
                    else { return false }
                    try JiraRawFiles.writeAtomically(embedded, to: JiraRawFiles.issueFile(raw, key: key))
                    return true
                }) ?? false
            return usedEmbedded ? .fallback("\(error)") : .failed("\(error)")
        }
    }

    /// Transforms and publishes; nil when nothing served changed (a deletion of an issue never stored).
    private func publish(updated: [String], deleted: [String], failures: inout [String: String]) async throws
        -> (tables: [ExtractTable], downloads: [AttachmentDownload])?
    {
        let (raw, shards, site) = (rawDirectory, self.shards, configuration.siteURL)
        let index = state.withLock { $0.index }
        let maxBytes = configuration.maxAttachmentBytes
        let result = try await offloaded("agnes.jira.transform") {
            () throws -> ([ExtractTable]?, [String: String], [String: String], [AttachmentDownload]) in
            var index = try index ?? shards.loadIndex()
            var rows: [JiraIssueRows] = []
            var broken: [String: String] = [:]
            for key in updated {
                guard let issue = JiraRawFiles.readIssue(raw, key: key) else {
                    broken[key] = "the raw file of \(key) cannot be read"
                    continue
                }
                do { rows.append(try JiraIssueRows(issue: issue, rawFile: "issues/\(key).json", siteURL: site)) } catch
                {
                    broken[key] = "\(error)"
                }
            }
            for key in deleted { JiraRawIssue.markDeleted(raw, key: key, at: Date()) }
            let changed = try shards.apply(updates: rows, deletions: Set(deleted), index: &index)
            guard changed else { return (nil, index, broken, []) }
            let tables = try shards.publish()
            return (tables, index, broken, Self.missingAttachments(of: rows, raw: raw, maxBytes: maxBytes))
        }
        for (key, reason) in result.2 { failures[key] = reason }
        state.withLock { state in
            state.index = result.1
            if result.0 != nil { state.statistics.transforms += 1 }
        }
        return result.0.map { ($0, result.3) }
    }

    /// An attachment to fetch: its content URL and where it goes.
    struct AttachmentDownload: Sendable {
        var url: String
        var file: URL
    }

    /// The attachments of the transformed issues (up to the size limit) not on disk yet, from their
    /// `attachments` rows. Blocking.
    static func missingAttachments(of issues: [JiraIssueRows], raw: URL, maxBytes: Int64) -> [AttachmentDownload] {
        let columns = JiraTable.attachments.columns.map(\.name)
        let (path, size, url) = (
            columns.firstIndex(of: "local_path")!, columns.firstIndex(of: "size_bytes")!,
            columns.firstIndex(of: "content_url")!
        )
        return issues.flatMap { $0.rows[.attachments] ?? [] }.compactMap { row in
            guard let local = row[path].string, let content = row[url].string, (row[size].int64 ?? 0) <= maxBytes
            else { return nil }
            let file = raw.appendingPathComponent(local)
            return FileManager.default.fileExists(atPath: file.path)
                ? nil : AttachmentDownload(url: content, file: file)
        }
    }

    /// Downloads `wanted`, 4 at a time; a failure is logged (the row stays, the file is fetched on the
    /// issue's next change).
    private func download(_ wanted: [AttachmentDownload]) async {
        guard !wanted.isEmpty else { return }
        var queue = wanted[...]
        let limit = configuration.maxAttachmentBytes
        await withTaskGroup(of: Bool.self) { group in
            func next() {
                guard let item = queue.popFirst() else { return }
                group.addTask { [self] in
                    do {
                        _ = try await client.download(item.url, to: item.file, maxBytes: limit)
                        return true
                    } catch {
                        logger.warning(
                            "jira: attachment download failed", metadata: ["url": "\(item.url)", "error": "\(error)"])
                        return false
                    }
                }
            }
            for _ in 0..<4 { next() }
            for await downloaded in group {
                if downloaded { state.withLock { $0.statistics.attachmentsDownloaded += 1 } }
                next()
            }
        }
    }
}

/// A queue entry: which issue, and whether Jira must be asked for it.
public struct JiraQueueEntry: Sendable, Hashable {
    let entry: JiraInbox.Entry

    /// Fetch `key` from Jira (an event, a backfill, a consistency repair); `eventFile` is the webhook
    /// event file (relative to the raw directory) whose embedded issue is the fallback.
    public static func fetch(_ key: String, eventFile: String? = nil) -> JiraQueueEntry {
        JiraQueueEntry(entry: .init(key: key, fetch: true, eventFile: eventFile))
    }

    /// Transform `key` again from its raw file (which the caller changed).
    public static func retransform(_ key: String) -> JiraQueueEntry {
        JiraQueueEntry(entry: .init(key: key, fetch: false, eventFile: nil))
    }
}
