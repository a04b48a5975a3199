import AgnesConnectors
import AgnesCore
import AgnesStore
import Foundation
import Logging
import Synchronization

/// The scheduler's `catalog-export` job: runs the ``CatalogExport`` when OpenMetadata is configured
/// and says honestly that it is not otherwise, and keeps the outcome of its recent runs so that the
/// admin route that runs it now can answer with the run's counts.
///
/// ```swift
/// let job = CatalogExportJob(settings: settings.openMetadata, store: store, logger: logger)
/// let scheduled = job.schedulerJob(schedule: schedule, isEnabled: true)
/// ```
public final class CatalogExportJob: Sendable {
    /// The job's name in the scheduler.
    public static let name = "catalog-export"

    /// How a run ended.
    public enum Outcome: Sendable, Hashable {
        /// It went through (possibly with errors for some tables or metrics, listed in the report).
        case finished(CatalogExportReport)
        /// It stopped: a refused token, an unreachable server, or a store failure.
        case failed(CatalogExportReport, message: String)

        /// What the run did.
        public var report: CatalogExportReport {
            switch self {
            case .finished(let report), .failed(let report, _): report
            }
        }
    }

    private struct Runs {
        var completed = 0
        var outcomes: [Int: Outcome] = [:]
    }

    /// The export, nil when OpenMetadata is not configured.
    public let export: CatalogExport?
    /// Why it cannot run, when it cannot.
    public let notConfiguredReason: String?
    private let runs = Mutex(Runs())
    /// Outcomes kept, the most recent ones.
    static let keptOutcomes = 16

    /// Creates the job from the settings; `retry` is the client's retry policy (tests record its waits).
    public init(settings: OpenMetadataSettings, store: SystemStore, retry: RetryPolicy = RetryPolicy(), logger: Logger)
    {
        self.export = CatalogExport(settings: settings, store: store, retry: retry, logger: logger)
        self.notConfiguredReason = settings.missing
    }

    /// What the scheduler runs: the export, or the reason it cannot.
    public var availability: SchedulerJob.Availability {
        guard export != nil else {
            return .notConfigured(reason: notConfiguredReason ?? "OpenMetadata is not configured")
        }
        return .ready { [self] in try await runRecorded() }
    }

    /// How many runs have ended in this process. The run that starts after this count was read (while
    /// none was running) ends as run `completedRuns + 1`.
    public var completedRuns: Int { runs.withLock { $0.completed } }

    /// The outcome of run `number` (counting from 1), while it is among the recent ones.
    public func outcome(ofRun number: Int) -> Outcome? { runs.withLock { $0.outcomes[number] } }

    /// Runs the export and records its outcome; returns the job list's line, or throws the failure
    /// (with the summary) so that the scheduler records the run as failed.
    func runRecorded() async throws -> String? {
        guard let export else { throw JobError(notConfiguredReason ?? "OpenMetadata is not configured") }
        let outcome: Outcome
        do {
            outcome = .finished(try await export.run())
        } catch let failure as CatalogExportFailure {
            outcome = .failed(failure.report, message: failure.message)
        } catch {
            outcome = .failed(CatalogExportReport(), message: "\(error)")
        }
        runs.withLock { runs in
            runs.completed += 1
            runs.outcomes[runs.completed] = outcome
            runs.outcomes[runs.completed - Self.keptOutcomes] = nil
        }
        switch outcome {
        case .finished(let report) where report.errors.isEmpty: return report.summary
        case .finished(let report): throw JobError(report.summary)
        case .failed(let report, let message): throw JobError("\(message) (before it stopped: \(report.summary))")
        }
    }

    /// A run's failure in words, as the scheduler records it.
    struct JobError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
