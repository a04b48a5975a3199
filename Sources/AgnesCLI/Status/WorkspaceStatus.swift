import AgnesClient
import AgnesCore
import Foundation

/// `agnes status` (REFERENCE §2.7): what the workspace holds, read from local files only.
public struct WorkspaceStatus: Sendable, Encodable {
    /// The workspace directory.
    public var workspace: String
    /// True when `agnes init` ran here.
    public var initialized: Bool
    /// Tables with a file in `server/parquet/`.
    public var parquetTables: Int
    /// Their total size.
    public var parquetBytes: Int64
    /// True when the local database exists.
    public var duckdbExists: Bool
    /// When the local database last changed (ISO 8601).
    public var lastSynced: String?
    /// When the last pull finished (ISO 8601).
    public var lastPull: String?
    /// Interrupted downloads the next pull resumes.
    public var partialDownloads: [String]
    /// Session transcripts not yet pushed.
    public var sessionsPendingUpload: Int
    /// The server.
    public var server: String
    /// Where the token comes from (`token_file`, `environment`), nil when there is none.
    public var tokenSource: String?

    enum CodingKeys: String, CodingKey {
        case workspace, initialized, server
        case parquetTables = "parquet_tables"
        case parquetBytes = "parquet_bytes"
        case duckdbExists = "duckdb_exists"
        case lastSynced = "last_synced"
        case lastPull = "last_pull"
        case partialDownloads = "partial_downloads"
        case sessionsPendingUpload = "sessions_pending_upload"
        case tokenSource = "token_source"
    }

    /// Reads the status of `workspace`.
    public static func read(
        workspace: Workspace, settings: ClientSettings, environment: [String: String], pushState: URL?
    ) -> WorkspaceStatus {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: workspace.parquetDirectory.path)) ?? []
        let files = names.filter { $0.hasSuffix(".parquet") }
        let bytes = files.reduce(Int64(0)) {
            $0 + (FileStamp.of(workspace.parquetDirectory.appendingPathComponent($1).path)?.size ?? 0)
        }
        let database = FileStamp.of(workspace.database.path)
        let uploaded = Pusher.loadState(pushState)
        let pending = SessionFinder(workspace: workspace, environment: environment).sessions().filter {
            uploaded[Pusher.key(server: settings.server, $0)] != Pusher.stamp($0)
        }
        return WorkspaceStatus(
            workspace: workspace.root.path, initialized: workspace.isInitialized, parquetTables: files.count,
            parquetBytes: bytes, duckdbExists: database != nil,
            lastSynced: database.map {
                ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double($0.modifiedNanoseconds) / 1e9))
            },
            lastPull: SyncState.load(from: workspace).lastSync,
            partialDownloads: names.filter { $0.hasSuffix(".parquet.part") }.map { String($0.dropLast(13)) }.sorted(),
            sessionsPendingUpload: pending.count, server: settings.server, tokenSource: settings.tokenSource?.rawValue)
    }

    /// The lines printed without `--json`.
    public var lines: [String] {
        [
            "Workspace:   \(workspace)\(initialized ? "" : " (not initialised: agnes init)")",
            "Server:      \(server)",
            "Token:       \(tokenSource.map { "from \($0.replacingOccurrences(of: "_", with: " "))" } ?? "none")",
            "Tables:      \(parquetTables) (\(ByteCount.text(parquetBytes)))",
            "Database:    \(duckdbExists ? "user/duckdb/analytics.duckdb" : "none (agnes pull creates it)")",
            "Last pull:   \(lastPull ?? "never")",
        ]
            + (partialDownloads.isEmpty
                ? [] : ["Interrupted: \(partialDownloads.joined(separator: ", ")) (agnes pull resumes)"])
            + ["Sessions:    \(sessionsPendingUpload) not pushed"]
    }
}
