import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes scheduler --url URL`: drives the server's scheduled jobs from outside, for deployments that
/// want a separate clock (REFERENCE §6.1). It asks the server which jobs are due
/// (`GET /api/admin/scheduler/jobs`) and starts each (`POST …/jobs/{name}/run`); the server keeps the
/// last runs, so this driver, a restart of it, and the in-process scheduler never double a run. Set
/// `scheduler.enabled: false` on the server when this drives it.
struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the server's scheduled jobs from outside (an external clock).",
        discussion: """
            Authenticates with SCHEDULER_API_TOKEN (or --token, or your saved token). Runs until stopped; \
            with --once it starts what is due now and exits. A server that cannot be reached is retried at \
            the next tick; a refused token stops it (exit 7).

            Examples:
              SCHEDULER_API_TOKEN=… agnes scheduler --url http://app:8000
              agnes scheduler --url http://127.0.0.1:8000 --once
            """)

    @Option(help: "The server's base URL (default: API_URL, then your configured server).") var url: String?
    @Option(help: "The token (default: SCHEDULER_API_TOKEN, then your saved token).") var token: String?
    @Option(help: "Longest wait between two looks at the jobs, in seconds (default: SCHEDULER_TICK_SECONDS or 30).")
    var tick: Int?
    @Flag(help: "Start what is due now, then exit.") var once = false

    func validate() throws {
        if let tick, tick <= 0 { throw ValidationError("--tick must be a positive number of seconds") }
        if let text = ProcessInfo.processInfo.environment["SCHEDULER_TICK_SECONDS"], tick == nil {
            guard let seconds = Int(text), seconds > 0 else {
                throw ValidationError("SCHEDULER_TICK_SECONDS must be a positive number of seconds, not '\(text)'")
            }
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let context = try ClientContext(
            server: url ?? environment["API_URL"], token: token ?? environment["SCHEDULER_API_TOKEN"])
        let longest = tick ?? environment["SCHEDULER_TICK_SECONDS"].flatMap(Int.init) ?? 30
        try await context.withAPI { api in
            while true {
                var wait = Double(longest)
                do {
                    let next = try await Self.startDueJobs(api)
                    if once { return }
                    if let next { wait = min(wait, max(1, next.timeIntervalSinceNow)) }
                } catch let error as ClientError where error.code == .unauthorized || error.code == .forbidden {
                    throw error
                } catch {
                    if once { throw error }
                    FileHandleOutput.standardError("agnes scheduler: \(error); retrying in \(longest) s\n")
                }
                try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
            }
        }
    }

    /// Starts every due job; returns when the next one falls due.
    static func startDueJobs(_ api: AgnesAPI) async throws -> Date? {
        let list = try await api.schedulerJobs()
        guard case .array(let jobs)? = list["jobs"] else {
            throw ClientError(.invalidResponse, "the server's job list has no jobs")
        }
        var next: Date?
        var started: [String] = []
        for job in jobs {
            guard let name = job["name"]?.string, job["state"]?.string == "ready" else { continue }
            if job["due"] == .bool(true), job["running"] != .bool(true) {
                do {
                    try await api.runSchedulerJob(name)
                    started.append(name)
                } catch let error as ClientError where error.code == .conflict {
                    continue  // started meanwhile by the server's own clock or another driver
                }
            } else if let text = job["next_run_at"]?.string, let date = try? Date(text, strategy: .iso8601) {
                next = min(next ?? date, date)
            }
        }
        let stamp = Date().formatted(.iso8601)
        StandardOutput.line(
            started.isEmpty ? "\(stamp) nothing due" : "\(stamp) started \(started.joined(separator: ", "))")
        return next
    }
}
