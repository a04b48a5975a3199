import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesJobs
import AgnesStore
import Foundation
import Logging
import Synchronization

/// The Jira source on this server: its settings, the processor behind the webhook, the backfill, and
/// the scheduler's three Jira jobs. Without `JIRA_DOMAIN`/`JIRA_BASE_URL`, `JIRA_EMAIL` and
/// `JIRA_API_TOKEN` there is no processor, and every Jira surface says so.
public final class JiraService: Sendable {
    /// The settings read at start-up.
    public let settings: JiraSettings
    /// The processor; nil when Jira is not configured.
    public let processor: JiraProcessor?
    /// The backfill; nil when Jira is not configured.
    public let backfill: JiraBackfill?
    /// `extracts/jira`.
    public let sourceDirectory: URL
    /// Deliveries already accepted (Jira's `X-Atlassian-Webhook-Identifier`, else the body's SHA-256):
    /// a retried or replayed delivery is answered 200 without being queued again.
    let deliveries = Mutex(RecentKeys(capacity: 10_000))

    /// Creates the service; `rebuild` runs after every publish.
    init(
        settings: JiraSettings, layout: DataLayout, store: SystemStore, logger: Logger,
        rebuild: @escaping @Sendable () async throws -> Void
    ) {
        self.settings = settings
        let sourceDirectory = layout.extractsDirectory.appendingPathComponent("jira")
        self.sourceDirectory = sourceDirectory
        let hasRegistered = RegisteredFlag()
        if let configuration = settings.service {
            let processor = JiraProcessor(
                configuration: configuration, rawDirectory: settings.rawDirectory, sourceDirectory: sourceDirectory,
                logger: logger,
                afterPublish: { _ in
                    if !hasRegistered.isSet {
                        try await Self.registerTables(store: store)
                        hasRegistered.set()
                    }
                    try await rebuild()
                })
            self.processor = processor
            self.backfill = JiraBackfill(processor: processor, logger: logger)
        } else {
            processor = nil
            backfill = nil
        }
    }

    /// Why Jira cannot work here, for 503s and job listings.
    static let notConfigured =
        "Jira is not configured: set JIRA_DOMAIN (or JIRA_BASE_URL), JIRA_EMAIL and JIRA_API_TOKEN"

    /// Starts processing (and resumes what the last process left: queued events, a backfill).
    public func start() {
        processor?.start()
        backfill?.resumeIfUnfinished()
    }

    /// Registers the six tables the registry does not know yet (source `jira`, local).
    static func registerTables(store: SystemStore) async throws {
        let registry = DuckDBTableRegistryRepository(store: store)
        for table in JiraTable.allCases where try await registry.find(id: table.rawValue) == nil {
            _ = try await registry.register(
                TableRegistration(
                    id: table.rawValue, name: table.rawValue, sourceType: "jira", queryMode: .local,
                    description: table.summary, registeredBy: "system:jira"))
        }
    }

    /// The scheduler's Jira jobs.
    func jobs(settings: SchedulerSettings) -> [SchedulerJob] {
        func job(_ name: String, _ availability: SchedulerJob.Availability) -> SchedulerJob {
            SchedulerJob(
                name: name, schedule: settings.schedule(of: name) ?? Schedule(everySeconds: 3600),
                isEnabled: settings.isJobEnabled(name), availability: availability)
        }
        guard let processor else {
            return ["jira-sla-poll", "jira-consistency", "jira-consistency-deep"].map {
                job($0, .notConfigured(reason: Self.notConfigured))
            }
        }
        let sourceDirectory = self.sourceDirectory
        let consistency = JiraConsistencyCheck(processor: processor, sourceDirectory: sourceDirectory)
        let poll: SchedulerJob.Availability =
            processor.configuration.slaAccount == nil
            ? .notConfigured(
                reason:
                    "no SLA account: set JIRA_CLOUD_ID (or JIRA_SLA_BASE_URL), JIRA_SLA_EMAIL and JIRA_SLA_API_TOKEN")
            : .ready {
                "\(try await JiraSLAPoll(processor: processor, sourceDirectory: sourceDirectory).run())"
            }
        func check(days: Int) -> SchedulerJob.Availability {
            .ready {
                let report = try await consistency.run(maxAgeDays: days)
                guard report.level != "error" else { throw JobFailure("\(report)") }
                return "\(report)"
            }
        }
        return [
            job("jira-sla-poll", poll), job("jira-consistency", check(days: 30)),
            job("jira-consistency-deep", check(days: 365)),
        ]
    }
}

/// Whether the Jira tables were registered by this process.
final class RegisteredFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

/// The last `capacity` keys seen, oldest forgotten first.
struct RecentKeys: Sendable {
    let capacity: Int
    private var order: [String] = []
    private var start = 0
    private var members: Set<String> = []

    init(capacity: Int) { self.capacity = capacity }

    /// Adds `key`; false when it was already there.
    mutating func insert(_ key: String) -> Bool {
        guard !members.contains(key) else { return false }
        members.insert(key)
        if order.count < capacity {
            order.append(key)
        } else {
            members.remove(order[start])
            order[start] = key
            start = (start + 1) % capacity
        }
        return true
    }

    /// Forgets `key` (its delivery could not be queued, so a retry must go through).
    mutating func remove(_ key: String) { members.remove(key) }
}
