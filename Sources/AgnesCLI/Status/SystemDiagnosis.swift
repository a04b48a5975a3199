import AgnesClient
import Foundation

/// `agnes diagnose system` (REFERENCE §2.7): this machine's side of Agnes — the CLI, its configuration,
/// the server it points at and whether it answers, the token, the workspace, the local database, the
/// pulled tables, snapshots and free disk — each check with what to do, plus the facts found, for a
/// program (`--json`) or a support request. Without an API client (`--local`) nothing goes over the
/// network.
///
/// ```swift
/// let report = await SystemDiagnosis.run(
///     settings: settings, workspace: workspace, environment: env, cliVersion: "0.1.0", api: nil)
/// print(report.lines.joined(separator: "\n"))
/// ```
public struct SystemDiagnosis: Sendable, Encodable {
    /// What was found, for programs.
    public struct Facts: Sendable, Encodable {
        /// This binary's version.
        public var cliVersion: String
        /// The server URL in use.
        public var server: String
        /// Where the URL came from (`option`, `environment`, `config_file`, `default`).
        public var serverSource: String
        /// The server's version (`GET /api/version`), when it answered.
        public var serverVersion: String?
        /// The configuration directory.
        public var configDir: String
        /// The workspace directory.
        public var workspace: String
        /// True when `agnes init` ran in the workspace.
        public var initialized: Bool
        /// Where the token came from, nil without one.
        public var tokenSource: String?
        /// The token's email claim (or the one saved with it).
        public var tokenEmail: String?
        /// `session` or `pat`.
        public var tokenType: String?
        /// When the token expires (ISO 8601), nil when it never does or is no JWT.
        public var tokenExpiresAt: String?
        /// The local DuckDB file, when it exists.
        public var database: String?
        /// Views in the local database, when it could be read.
        public var views: Int?
        /// Pulled tables (files in `server/parquet/`).
        public var parquetFiles: Int
        /// Their size.
        public var parquetBytes: Int64
        /// Interrupted downloads the next pull resumes.
        public var partialDownloads: Int
        /// `user/snapshots/`.
        public var snapshotsDir: String
        /// Snapshot files.
        public var snapshotCount: Int
        /// Their size.
        public var snapshotBytes: Int64
        /// The snapshot quota (`AGNES_SNAPSHOT_QUOTA_GB`, default 10).
        public var quotaGB: Double
        /// Free space on the workspace's file system.
        public var freeBytes: Int64?

        enum CodingKeys: String, CodingKey {
            case server, workspace, initialized, database, views
            case cliVersion = "cli_version"
            case serverSource = "server_source"
            case serverVersion = "server_version"
            case configDir = "config_dir"
            case tokenSource = "token_source"
            case tokenEmail = "token_email"
            case tokenType = "token_type"
            case tokenExpiresAt = "token_expires_at"
            case parquetFiles = "parquet_files"
            case parquetBytes = "parquet_bytes"
            case partialDownloads = "partial_downloads"
            case snapshotsDir = "snapshots_dir"
            case snapshotCount = "snapshot_count"
            case snapshotBytes = "snapshot_bytes"
            case quotaGB = "quota_gb"
            case freeBytes = "free_bytes"
        }
    }

    /// `ok`, `warning` or `fail`: the worst check.
    public var overall: HealthCheck.Status
    /// True when only local checks ran (`--local`).
    public var local: Bool
    /// The checks in order.
    public var checks: [HealthCheck]
    /// What was found.
    public var facts: Facts

    /// Below this much free space a pull is likely to fail.
    static let minimumFreeBytes: Int64 = 100 << 20
    /// Below this much free space a warning.
    static let lowFreeBytes: Int64 = 1 << 30
    /// A token expiring sooner than this is worth a warning.
    static let expirySoon: TimeInterval = 3 * 24 * 3600

    /// Runs the checks; `api` nil means local checks only. `now` is the clock token expiry is read against.
    public static func run(
        settings: ClientSettings, workspace: Workspace, environment: [String: String], cliVersion: String,
        api: AgnesAPI?, now: Date = Date()
    ) async -> SystemDiagnosis {
        let disk = DiskInfo.measure(workspace: workspace, environment: environment)
        let partial = partialDownloads(workspace)
        let pulled = DiskInfo.files(in: workspace.parquetDirectory, suffix: ".parquet")
        let claims = settings.token.flatMap { TokenClaims(token: $0) }
        var facts = Facts(
            cliVersion: cliVersion, server: settings.server, serverSource: settings.serverSource.rawValue,
            configDir: settings.directory.url.path, workspace: workspace.root.path,
            initialized: workspace.isInitialized, tokenSource: settings.tokenSource?.rawValue,
            tokenEmail: claims?.email ?? settings.email.flatMap { $0.isEmpty ? nil : $0 }, tokenType: claims?.type,
            tokenExpiresAt: claims?.expiresAt.map { ISO8601DateFormatter().string(from: $0) },
            parquetFiles: pulled.count,
            parquetBytes: disk.parquetBytes, partialDownloads: partial.count, snapshotsDir: disk.snapshotsDir,
            snapshotCount: disk.snapshotCount, snapshotBytes: disk.usedBytes, quotaGB: disk.quotaGB,
            freeBytes: disk.freeBytes)

        var checks = [
            HealthCheck(name: "cli", status: .ok, detail: "agnes \(cliVersion)"),
            configCheck(settings),
        ]
        var tokenIsValid = false
        if let api {
            let server = await serverChecks(settings: settings, cliVersion: cliVersion, api: api)
            facts.serverVersion = server.version
            checks += server.checks
            let token = await tokenCheck(settings: settings, claims: claims, now: now, api: server.answers ? api : nil)
            checks.append(token)
            tokenIsValid = server.answers && token.status != .fail && settings.token != nil
        } else {
            checks.append(
                HealthCheck(
                    name: "server", status: .ok,
                    detail: "\(settings.server) (from \(Self.origin(settings.serverSource))); not contacted: --local"))
            checks.append(await tokenCheck(settings: settings, claims: claims, now: now, api: nil))
        }
        if let api, tokenIsValid { checks.append(await serverHealthCheck(api)) }
        checks.append(workspaceCheck(workspace))
        let database = await databaseCheck(workspace)
        facts.database = database.exists ? workspace.database.path : nil
        facts.views = database.views
        checks.append(database.check)
        checks.append(tablesCheck(facts: facts, partial: partial))
        checks.append(snapshotsCheck(disk))
        checks.append(diskCheck(disk, largestTable: pulled.max()))
        return SystemDiagnosis(overall: HealthCheck.overall(checks), local: api == nil, checks: checks, facts: facts)
    }

    /// The lines printed without `--json`.
    public var lines: [String] {
        HealthCheck.lines(checks, overall: overall, suffix: local ? " (local checks only)" : "")
    }

    /// `config file`, `environment`, … as printed.
    static func origin(_ source: ClientSettings.Source) -> String {
        source.rawValue.replacingOccurrences(of: "_", with: " ")
    }

    static func partialDownloads(_ workspace: Workspace) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: workspace.parquetDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".parquet.part") }.map { String($0.dropLast(13)) }.sorted()
    }
}
