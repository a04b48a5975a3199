import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesJobs
import AgnesStore
import Foundation

/// `GET /api/health/detailed` (any signed-in user; REFERENCE §1.3): the build, then one entry per
/// service with a `status` of `ok`, `warning` or `error`. Any error makes the whole `unhealthy`, any
/// warning `degraded`. Beyond the original's services it reports the latest sync runs and the
/// scheduler. What names tables (the stale list) is limited to the tables the caller may read.
struct DetailedHealth: Encodable {
    struct Service: Encodable {
        var status: String
        var fields: [String: ConfigValue] = [:]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(status, forKey: Key(stringValue: "status"))
            for (key, value) in fields { try container.encode(value, forKey: Key(stringValue: key)) }
        }
    }

    let version: HealthRoutes.Version
    let status: String
    let timestamp: Date
    let services: [String: Service]

    enum CodingKeys: String, CodingKey {
        case status, timestamp, services
    }

    func encode(to encoder: any Encoder) throws {
        try version.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(services, forKey: .services)
    }

    /// Gathers every service's state for `caller`.
    static func gather(services: AgnesServices, caller: AuthenticatedUser, version: HealthRoutes.Version) async
        -> DetailedHealth
    {
        let now = Date()
        var report: [String: Service] = [:]
        let health = await services.store.health()
        report["db_schema"] = Service(
            status: health.status == "ok" ? "ok" : "error",
            fields: [
                "state": .string(health.status), "current": health.current.map { .int($0) } ?? .null,
                "expected": .int(health.expected), "detail": health.error.map(ConfigValue.string) ?? .null,
            ])
        let generation = services.analytics.generation
        report["duckdb_state"] = Service(
            status: generation == nil ? "warning" : "ok",
            fields: ["generation": generation.map { .int($0.number) } ?? .null])
        // Independent reads, side by side on the store's readers.
        async let data = data(services: services, caller: caller, now: now)
        async let users = users(services: services)
        async let sync = sync(services: services)
        async let scheduler = scheduler(services: services)
        report["data"] = await data
        report["users"] = await users
        // Run errors and job details are for admins (the run routes are admin-only); others see states.
        report["sync"] = caller.isAdmin ? await sync : Service(status: await sync.status)
        report["scheduler"] = caller.isAdmin ? await scheduler : Service(status: await scheduler.status)
        if services.settings.dataSourceType == .bigquery { report["bq_config"] = bigqueryConfig(services: services) }
        let statuses = report.values.map(\.status)
        let overall =
            statuses.contains("error") || health.status != "ok"
            ? "unhealthy" : statuses.contains("warning") ? "degraded" : "healthy"
        return DetailedHealth(version: version, status: overall, timestamp: now, services: report)
    }

    private static func data(services: AgnesServices, caller: AuthenticatedUser, now: Date) async -> Service {
        do {
            async let readableTables = services.access.readableTables(caller)
            async let attention = SyncRunRepository(store: services.store).tablesNeedingAttention(
                staleBefore: now.addingTimeInterval(-86_400))
            let served = try await services.analytics.generation?.servedTables() ?? [:]
            let readable = try await readableTables
            let flagged = try await attention.filter { readable?.contains($0.id) ?? true }
            let stale = flagged.filter(\.isStale).map(\.id)
            let failing = flagged.filter(\.isFailing)
            let visible = served.values.filter { readable?.contains($0.id) ?? true }
            return Service(
                status: stale.isEmpty && failing.isEmpty ? "ok" : "warning",
                fields: [
                    "tables": .int(visible.count),
                    "total_rows": .int(Int(visible.reduce(Int64(0)) { $0 + ($1.rows ?? 0) })),
                    "stale_tables": .array(stale.prefix(100).map(ConfigValue.string)),
                    "failing_tables": .array(failing.prefix(100).map { .string($0.id) }),
                ])
        } catch {
            return Service(status: "error", fields: ["detail": .string("\(error)")])
        }
    }

    /// BigQuery's projects (REFERENCE §1.3): `unknown` without a project; a `warning` when jobs are
    /// billed to the data project itself, which then needs the BigQuery Job User role and its quota.
    private static func bigqueryConfig(services: AgnesServices) -> Service {
        guard let configuration = services.bigqueryProjects.configuration() else {
            return Service(
                status: "unknown",
                fields: [
                    "billing_project": .null, "data_project": .null,
                    "hint": .string("set data_source.bigquery.project (or BIGQUERY_PROJECT)"),
                ])
        }
        var fields: [String: ConfigValue] = [
            "billing_project": .string(configuration.billingProject), "data_project": .string(configuration.dataProject),
        ]
        guard configuration.billingProject != configuration.dataProject else {
            fields["hint"] = .string(
                "jobs are billed to the data project; set data_source.bigquery.billing_project to bill them elsewhere")
            return Service(status: "warning", fields: fields)
        }
        return Service(status: "ok", fields: fields)
    }

    private static func users(services: AgnesServices) async -> Service {
        do {
            let count = try await DuckDBUserRepository(store: services.store).count()
            return Service(status: "ok", fields: ["count": .int(count)])
        } catch {
            return Service(status: "error", fields: ["detail": .string("\(error)")])
        }
    }

    private static func sync(services: AgnesServices) async -> Service {
        do {
            let runs = try await SyncRunRepository(store: services.store).recent(limit: 5)
            let latest = runs.first { $0.status.isFinished }
            let status = latest.map { $0.status == .failed ? "error" : $0.status == .partial ? "warning" : "ok" } ?? "ok"
            return Service(
                status: status,
                fields: [
                    "latest_runs": .array(
                        runs.map { run in
                            .object([
                                "id": .string(run.id), "status": .string(run.status.rawValue),
                                "trigger": .string(run.trigger), "queued_at": .string(run.queuedAt.wireText),
                                "finished_at": run.finishedAt.map { .string($0.wireText) } ?? .null,
                                "error": run.error.map(ConfigValue.string) ?? .null,
                            ])
                        })
                ])
        } catch {
            return Service(status: "error", fields: ["detail": .string("\(error)")])
        }
    }

    private static func scheduler(services: AgnesServices) async -> Service {
        do {
            let jobs = try await services.scheduler.statuses()
            let failing = jobs.filter { $0.lastStatus == "failed" }.map(\.name)
            return Service(
                status: failing.isEmpty ? "ok" : "warning",
                fields: [
                    "driver": .string(services.scheduler.driver),
                    "failing_jobs": .array(failing.map(ConfigValue.string)),
                    "jobs": .array(
                        jobs.map { job in
                            .object([
                                "name": .string(job.name), "state": .string(job.state),
                                "last_status": job.lastStatus.map(ConfigValue.string) ?? .null,
                                "next_run_at": job.nextRunAt.map { .string($0.wireText) } ?? .null,
                            ])
                        }),
                ])
        } catch {
            return Service(status: "error", fields: ["detail": .string("\(error)")])
        }
    }
}
