import AgnesClient
import Foundation

/// The analyst's workspace (REFERENCE §2.2): `AGNES_LOCAL_DIR` or the current directory. Nothing
/// here creates directories; writers create the ones they need, when they need them.
///
/// ```
/// <root>/CLAUDE.md, AGNES_WORKSPACE.md
/// <root>/.claude/settings.json, CLAUDE.local.md, rules/km_*.md
/// <root>/server/parquet/<table>.parquet, server/sync_state.json
/// <root>/user/duckdb/analytics.duckdb, user/sessions/*.jsonl
/// ```
public struct Workspace: Sendable {
    /// The workspace directory (absolute).
    public let root: URL

    /// A workspace at `root`.
    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// The workspace named by `explicit`, else `AGNES_LOCAL_DIR`, else the current directory.
    public init(explicit: String? = nil, environment: [String: String]) {
        let path: String
        if let explicit, !explicit.isEmpty {
            path = explicit
        } else if let local = environment["AGNES_LOCAL_DIR"], !local.isEmpty {
            path = local
        } else {
            path = FileManager.default.currentDirectoryPath
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        self.init(root: URL(fileURLWithPath: path, isDirectory: true, relativeTo: cwd).absoluteURL)
    }

    /// `CLAUDE.md`, written from the server's welcome text.
    public var claudeMD: URL { root.appendingPathComponent("CLAUDE.md") }
    /// `AGNES_WORKSPACE.md`.
    public var workspaceMD: URL { root.appendingPathComponent("AGNES_WORKSPACE.md") }
    /// `.claude/`.
    public var claudeDirectory: URL { root.appendingPathComponent(".claude", isDirectory: true) }
    /// `.claude/settings.json`.
    public var settingsFile: URL { claudeDirectory.appendingPathComponent("settings.json") }
    /// `.claude/CLAUDE.local.md`, the analyst's own notes (never overwritten).
    public var localNotes: URL { claudeDirectory.appendingPathComponent("CLAUDE.local.md") }
    /// `.claude/rules/`.
    public var rulesDirectory: URL { claudeDirectory.appendingPathComponent("rules", isDirectory: true) }
    /// `server/`.
    public var serverDirectory: URL { root.appendingPathComponent("server", isDirectory: true) }
    /// `server/parquet/`.
    public var parquetDirectory: URL { serverDirectory.appendingPathComponent("parquet", isDirectory: true) }
    /// `server/sync_state.json`: what the last pulls put here.
    public var syncStateFile: URL { serverDirectory.appendingPathComponent("sync_state.json") }
    /// `user/duckdb/`.
    public var databaseDirectory: URL { root.appendingPathComponent("user/duckdb", isDirectory: true) }
    /// `user/duckdb/analytics.duckdb`.
    public var database: URL { databaseDirectory.appendingPathComponent("analytics.duckdb") }
    /// `user/sessions/` (legacy place for session transcripts).
    public var sessionsDirectory: URL { root.appendingPathComponent("user/sessions", isDirectory: true) }
    /// `user/snapshots/`.
    public var snapshotsDirectory: URL { root.appendingPathComponent("user/snapshots", isDirectory: true) }

    /// The file of table `table`.
    public func parquetFile(_ table: String) -> URL {
        parquetDirectory.appendingPathComponent("\(table).parquet")
    }

    /// True when `agnes init` ran here (CLAUDE.md with the Agnes marker).
    public var isInitialized: Bool {
        guard let data = FileManager.default.contents(atPath: claudeMD.path) else { return false }
        return String(decoding: data, as: UTF8.self).contains(Templates.marker)
    }

    /// Table ids that name a file safely: REFERENCE §7's relaxed identifier (no `/`, no leading dot).
    public static func isValidTableID(_ id: String) -> Bool {
        guard (1...128).contains(id.utf8.count), let first = id.unicodeScalars.first else { return false }
        func allowed(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_": true
            case ".", "-": !first
            default: false
            }
        }
        return allowed(first, first: true) && id.unicodeScalars.dropFirst().allSatisfy { allowed($0, first: false) }
    }
}
