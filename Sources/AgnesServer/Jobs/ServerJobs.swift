import AgnesCore
import AgnesJobs
import AgnesStore
import Foundation

/// The scheduler's jobs on this server (the seed's job table): what each does, or why it cannot run
/// here yet. Later subsystems replace their `notBuilt` entry with their work.
enum ServerJobs {
    /// The jobs, with schedules from the settings.
    static func make(
        settings: SchedulerSettings, pipeline: SyncPipeline, store: SystemStore, catalogExport: CatalogExportJob,
        corporateMemory: CorporateMemoryJob, verificationDetector: VerificationDetectorJob,
        sessionCollector: SessionCollectorJob
    ) -> [SchedulerJob] {
        func job(_ name: String, _ availability: SchedulerJob.Availability) -> SchedulerJob {
            SchedulerJob(
                name: name, schedule: settings.schedule(of: name) ?? Schedule(everySeconds: 3600),
                isEnabled: settings.isJobEnabled(name), availability: availability)
        }
        return [
            job(
                "data-refresh",
                .ready {
                    let run = try await pipeline.run(tables: nil, trigger: "scheduler", requestedBy: nil)
                    guard run.status != .failed else {
                        throw JobFailure("sync run \(run.id) failed\(run.error.map { ": \($0)" } ?? "")")
                    }
                    return "sync run \(run.id): \(run.status.rawValue)"
                }),
            job(
                "health-check",
                .ready {
                    let health = await store.health()
                    guard health.status == "ok" else {
                        throw JobFailure("system store: \(health.status) \(health.error ?? "")")
                    }
                    return "system store ok (schema \(health.current ?? 0))"
                }),
            job(sessionCollector.name, sessionCollector.availability),
            job(verificationDetector.name, verificationDetector.availability),
            job(corporateMemory.name, corporateMemory.availability),
            job("script-runner", .notBuilt(reason: "deployed scripts are not built yet")),
            job("marketplaces", .notBuilt(reason: "marketplaces are not built yet")),
            job(CatalogExportJob.name, catalogExport.availability),
        ]
    }
}

/// A job's failure, in words.
struct JobFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
