import AgnesClient
import Foundation

/// `agnes diagnose` (REFERENCE §2.7): can the analyst reach the server, is the token valid, is the
/// server healthy, which tables are stale, missing, interrupted or damaged — each with what to do.
public struct Diagnosis: Sendable, Encodable {
    /// One check.
    public typealias Check = HealthCheck

    /// `ok`, `warning` or `fail`: the worst check.
    public var overall: Check.Status
    /// The checks in order.
    public var checks: [Check]

    /// Runs the checks against the server of `settings` for `workspace`.
    public static func run(settings: ClientSettings, workspace: Workspace, api: AgnesAPI) async -> Diagnosis {
        var checks: [Check] = []
        let tokenOrigin =
            settings.tokenSource.map { " (from \($0.rawValue.replacingOccurrences(of: "_", with: " ")))" } ?? ""
        checks.append(
            Check(name: "server", status: .ok, detail: "\(settings.server) (from \(settings.serverSource.rawValue))"))

        let clock = ContinuousClock()
        let started = clock.now
        do {
            let health = try await api.health()
            let elapsed = clock.now - started
            let status = health["status"]?.string ?? "unknown"
            checks.append(
                Check(
                    name: "reachable", status: status == "ok" ? .ok : .warning,
                    detail: "health \(status) in \(Int(elapsed.inSeconds * 1000)) ms",
                    action: status == "ok" ? nil : "the server reports a problem: tell an Agnes admin"))
        } catch let error as ClientError {
            checks.append(Check(name: "reachable", status: .fail, detail: error.message, action: error.hint))
            return Diagnosis(checks: checks + [Self.localCheck(workspace)])
        } catch {
            checks.append(Check(name: "reachable", status: .fail, detail: "\(error)"))
        }

        guard settings.token != nil else {
            checks.append(
                Check(
                    name: "token", status: .fail, detail: "no token configured",
                    action: "agnes init --server-url URL, agnes auth login --email E, or set AGNES_TOKEN"))
            return Diagnosis(checks: checks + [Self.localCheck(workspace)])
        }
        do {
            let caller = try await api.verifyToken()
            checks.append(
                Check(
                    name: "token", status: .ok,
                    detail: (caller.map { "valid for \($0.email)\($0.isAdmin ? " (admin)" : "")" } ?? "valid")
                        + tokenOrigin))
        } catch let error as ClientError {
            checks.append(
                Check(name: "token", status: .fail, detail: error.message + tokenOrigin, action: error.hint))
            return Diagnosis(checks: checks + [Self.localCheck(workspace)])
        } catch {
            checks.append(Check(name: "token", status: .fail, detail: "\(error)"))
        }

        if let detailed = try? await api.detailedHealth(), let status = detailed["status"]?.string {
            let stale = detailed["services"]?["data"]?["stale_tables"]
            var detail = "server \(status)"
            if case .array(let tables)? = stale, !tables.isEmpty {
                detail +=
                    "; tables not synced on the server for 24 h: \(tables.map(\.description).joined(separator: ", "))"
            }
            checks.append(
                Check(
                    name: "server health", status: status == "healthy" ? .ok : .warning, detail: detail,
                    action: status == "healthy" ? nil : "the server's data is degraded: tell an Agnes admin"))
        }

        do {
            let manifest = try await api.manifest()
            checks.append(Self.tablesCheck(manifest: manifest, workspace: workspace))
        } catch let error as ClientError {
            checks.append(Check(name: "tables", status: .fail, detail: error.message, action: error.hint))
        } catch {
            checks.append(Check(name: "tables", status: .fail, detail: "\(error)"))
        }
        checks.append(Self.localCheck(workspace))
        return Diagnosis(checks: checks)
    }

    init(checks: [Check]) {
        self.checks = checks
        overall = HealthCheck.overall(checks)
    }

    /// Compares the manifest with the workspace without hashing anything.
    static func tablesCheck(manifest: SyncManifest, workspace: Workspace) -> Check {
        let state = SyncState.load(from: workspace)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: workspace.parquetDirectory.path)) ?? []
        let present = Set(names.filter { $0.hasSuffix(".parquet") }.map { String($0.dropLast(8)) })
        let plan = PullPlan.make(manifest: manifest.tables, state: state, present: present) {
            FileStamp.of(workspace.parquetFile($0).path)
        }
        let partial = Set(names.filter { $0.hasSuffix(".parquet.part") }.map { String($0.dropLast(13)) })
        var problems: [String] = []
        let stale = plan.fetches.filter { $0.reason == .changed || $0.reason == .unhashed }.map(\.table)
        let missing = plan.fetches.filter { $0.reason == .new || $0.reason == .missing }.map(\.table)
        if !stale.isEmpty { problems.append("stale: \(stale.joined(separator: ", "))") }
        if !missing.isEmpty { problems.append("not pulled: \(missing.joined(separator: ", "))") }
        if !partial.isEmpty { problems.append("interrupted: \(partial.sorted().joined(separator: ", "))") }
        if !plan.suspects.isEmpty { problems.append("changed locally: \(plan.suspects.joined(separator: ", "))") }
        if !plan.removals.isEmpty { problems.append("no longer granted: \(plan.removals.joined(separator: ", "))") }
        if !plan.invalid.isEmpty { problems.append("unusable ids: \(plan.invalid.joined(separator: ", "))") }
        let total = "\(plan.localCount) tables to pull, \(plan.remote.count) remote"
        guard !problems.isEmpty else { return Check(name: "tables", status: .ok, detail: "\(total), all current") }
        return Check(
            name: "tables", status: .warning, detail: "\(total); " + problems.joined(separator: "; "),
            action: plan.suspects.isEmpty ? "agnes pull" : "agnes pull --verify")
    }

    static func localCheck(_ workspace: Workspace) -> Check {
        guard workspace.isInitialized else {
            return Check(
                name: "workspace", status: .warning, detail: "\(workspace.root.path) is not an Agnes workspace",
                action: "agnes init --server-url URL (or set AGNES_LOCAL_DIR to your workspace)")
        }
        guard FileManager.default.fileExists(atPath: workspace.database.path) else {
            return Check(name: "workspace", status: .warning, detail: "no local database yet", action: "agnes pull")
        }
        return Check(name: "workspace", status: .ok, detail: workspace.root.path)
    }

    /// The lines printed without `--json`.
    public var lines: [String] { HealthCheck.lines(checks, overall: overall) }
}
