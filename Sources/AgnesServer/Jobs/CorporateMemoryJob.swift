import AgnesCore
import AgnesIntelligence
import AgnesJobs
import AgnesStore
import Foundation
import Logging
import Synchronization

/// A corporate-memory job (`corporate-memory`, `verification-detector`, which need the LLM, and
/// `session-collector`): its work when configured, "not configured" otherwise, and the stats of recent
/// runs, so that its run-now route (`POST /api/admin/run-<job>`) can answer with them. Token usage goes
/// to the meter per job.
final class LLMJob<Stats: LLMJobStats>: Sendable {
    /// How a run ended: its stats, and the failure that stopped it, if one did.
    struct Outcome: Sendable {
        var stats: Stats
        var failure: String?
    }

    private struct Runs {
        var completed = 0
        var outcomes: [Int: Outcome] = [:]
    }

    let name: String
    let work: (@Sendable () async throws -> Stats)?
    let notConfiguredReason: String?
    let meter: LLMUsageMeter
    private let runs = Mutex(Runs())

    /// A job running `work`, or not configured for `notConfiguredReason` when there is none.
    init(
        name: String, meter: LLMUsageMeter, work: (@Sendable () async throws -> Stats)?, notConfiguredReason: String?
    ) {
        self.name = name
        self.meter = meter
        self.work = work
        self.notConfiguredReason = notConfiguredReason
    }

    /// A job running `make(client)`'s work when `settings` configure an LLM.
    convenience init(
        name: String, settings: LLMSettings, meter: LLMUsageMeter,
        make: (any LLMClient) -> @Sendable () async throws -> Stats
    ) {
        switch LLMClients.make(settings) {
        case .success(let client):
            self.init(name: name, meter: meter, work: make(client), notConfiguredReason: nil)
        case .failure(let error):
            self.init(name: name, meter: meter, work: nil, notConfiguredReason: error.message)
        }
    }

    var availability: SchedulerJob.Availability {
        guard work != nil else { return .notConfigured(reason: notConfiguredReason ?? "No LLM is configured") }
        return .ready { [self] in try await runRecorded() }
    }

    var completedRuns: Int { runs.withLock { $0.completed } }

    func outcome(ofRun number: Int) -> Outcome? { runs.withLock { $0.outcomes[number] } }

    func runRecorded() async throws -> String? {
        guard let work else { throw JobFailure(notConfiguredReason ?? "No LLM is configured") }
        var outcome: Outcome
        do {
            outcome = Outcome(stats: try await work())
        } catch {
            var stats = Stats()
            stats.errors = 1
            if let usage = (error as? LLMError)?.usage { stats.usage = usage }
            outcome = Outcome(stats: stats, failure: "\(error)")
        }
        meter.record(outcome.stats.usage, job: name)
        runs.withLock { runs in
            runs.completed += 1
            runs.outcomes[runs.completed] = outcome
            runs.outcomes = runs.outcomes.filter { $0.key > runs.completed - 16 }
        }
        if let failure = outcome.failure { throw JobFailure("\(name): \(failure)") }
        return "\(outcome.stats)"
    }
}

/// The collector's job (REFERENCE §6.2).
typealias CorporateMemoryJob = LLMJob<MemoryCollector.Stats>
/// The detector's job (REFERENCE §6.3).
typealias VerificationDetectorJob = LLMJob<VerificationDetector.Stats>
/// The session collector's job (REFERENCE §6.4).
typealias SessionCollectorJob = LLMJob<SessionCollector.Stats>

extension LLMJob where Stats == MemoryCollector.Stats {
    convenience init(settings: AgnesSettings, store: SystemStore, meter: LLMUsageMeter, logger: Logger) {
        self.init(name: "corporate-memory", settings: settings.llm, meter: meter) { client in
            let collector = MemoryCollector(
                client: client, store: store, root: URL(fileURLWithPath: settings.dataDir),
                settings: settings.corporateMemory, logger: logger)
            return { try await collector.run() }
        }
    }
}

extension LLMJob where Stats == VerificationDetector.Stats {
    convenience init(detectorWith settings: AgnesSettings, store: SystemStore, meter: LLMUsageMeter, logger: Logger) {
        self.init(name: "verification-detector", settings: settings.llm, meter: meter) { client in
            let detector = VerificationDetector(
                client: client, store: store, root: URL(fileURLWithPath: settings.dataDir), logger: logger)
            return { try await detector.run() }
        }
    }
}

extension LLMJob where Stats == SessionCollector.Stats {
    /// Configured by `SESSION_HOME_DIR`, the directory holding the analysts' home directories.
    convenience init(collectorWith settings: AgnesSettings, store: SystemStore, meter: LLMUsageMeter, logger: Logger) {
        guard let home = settings.environment["SESSION_HOME_DIR"], !home.isEmpty else {
            self.init(
                name: "session-collector", meter: meter, work: nil,
                notConfiguredReason:
                    "sessions arrive by upload (agnes push, POST /api/upload/sessions) where the verification detector reads them; set SESSION_HOME_DIR to also collect transcripts from analysts' home directories on this server"
            )
            return
        }
        let collector = SessionCollector(
            home: URL(fileURLWithPath: home), store: store, root: URL(fileURLWithPath: settings.dataDir),
            logger: logger)
        self.init(
            name: "session-collector", meter: meter, work: { try await collector.run() }, notConfiguredReason: nil)
    }
}
