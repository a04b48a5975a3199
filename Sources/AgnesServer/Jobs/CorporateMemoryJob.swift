import AgnesCore
import AgnesIntelligence
import AgnesJobs
import AgnesStore
import Foundation
import Logging
import Synchronization

/// The scheduler's `corporate-memory` job (REFERENCE §6.2): the ``MemoryCollector`` when an LLM is
/// configured, "not configured" otherwise; it keeps recent runs' stats so that
/// `POST /api/admin/run-corporate-memory` can answer with them.
final class CorporateMemoryJob: Sendable {
    static let name = "corporate-memory"

    /// How a run ended: its stats, and the failure that stopped it, if one did.
    struct Outcome: Sendable {
        var stats: MemoryCollector.Stats
        var failure: String?
    }

    private struct Runs {
        var completed = 0
        var outcomes: [Int: Outcome] = [:]
    }

    let collector: MemoryCollector?
    let notConfiguredReason: String?
    let meter: LLMUsageMeter
    private let runs = Mutex(Runs())

    init(settings: AgnesSettings, store: SystemStore, meter: LLMUsageMeter, logger: Logger) {
        self.meter = meter
        switch LLMClients.make(settings.llm) {
        case .success(let client):
            collector = MemoryCollector(
                client: client, store: store, root: URL(fileURLWithPath: settings.dataDir),
                settings: settings.corporateMemory, logger: logger)
            notConfiguredReason = nil
        case .failure(let error):
            collector = nil
            notConfiguredReason = error.message
        }
    }

    var availability: SchedulerJob.Availability {
        guard collector != nil else { return .notConfigured(reason: notConfiguredReason ?? "No LLM is configured") }
        return .ready { [self] in try await runRecorded() }
    }

    var completedRuns: Int { runs.withLock { $0.completed } }

    func outcome(ofRun number: Int) -> Outcome? { runs.withLock { $0.outcomes[number] } }

    func runRecorded() async throws -> String? {
        guard let collector else { throw JobFailure(notConfiguredReason ?? "No LLM is configured") }
        var outcome: Outcome
        do {
            outcome = Outcome(stats: try await collector.run())
        } catch {
            var stats = MemoryCollector.Stats()
            stats.errors = 1
            if let usage = (error as? LLMError)?.usage { stats.usage = usage }
            outcome = Outcome(stats: stats, failure: "\(error)")
        }
        meter.record(outcome.stats.usage, job: Self.name)
        runs.withLock { runs in
            runs.completed += 1
            runs.outcomes[runs.completed] = outcome
            runs.outcomes = runs.outcomes.filter { $0.key > runs.completed - 16 }
        }
        if let failure = outcome.failure { throw JobFailure("corporate memory: \(failure)") }
        return "\(outcome.stats)"
    }
}
