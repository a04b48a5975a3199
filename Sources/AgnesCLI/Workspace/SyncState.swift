import AgnesClient
import Foundation

/// What the pulls put in a workspace (`server/sync_state.json`): per table its content hash and the
/// size and modification time of the file as written, so a no-change pull needs one `stat` per table
/// and a file changed behind the CLI's back is noticed and checked.
///
/// Kept per workspace, not per user as in the original (whose global file made a second workspace
/// believe it had files it did not).
public struct SyncState: Codable, Sendable, Equatable {
    /// One pulled table.
    public struct Entry: Codable, Sendable, Equatable {
        /// The MD5 of the file (the manifest's `hash` when it was pulled).
        public var hash: String
        /// Rows, from the manifest.
        public var rows: Int64?
        /// The file's size when written.
        public var sizeBytes: Int64
        /// The file's modification time when written (nanoseconds since 1970).
        public var modifiedNanoseconds: Int64

        /// Creates an entry.
        public init(hash: String, rows: Int64?, sizeBytes: Int64, modifiedNanoseconds: Int64) {
            self.hash = hash
            self.rows = rows
            self.sizeBytes = sizeBytes
            self.modifiedNanoseconds = modifiedNanoseconds
        }

        enum CodingKeys: String, CodingKey {
            case hash, rows
            case sizeBytes = "size_bytes"
            case modifiedNanoseconds = "mtime_ns"
        }
    }

    /// Pulled tables by id.
    public var tables: [String: Entry] = [:]
    /// When the last pull finished (ISO 8601).
    public var lastSync: String?
    /// Fingerprint of the views the local database was last brought in line with.
    public var viewsFingerprint: String?
    /// The server the files came from.
    public var server: String?

    /// An empty state.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case tables, server
        case lastSync = "last_sync"
        case viewsFingerprint = "views_fingerprint"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tables = try container.decodeIfPresent([String: Entry].self, forKey: .tables) ?? [:]
        lastSync = try container.decodeIfPresent(String.self, forKey: .lastSync)
        viewsFingerprint = try container.decodeIfPresent(String.self, forKey: .viewsFingerprint)
        server = try container.decodeIfPresent(String.self, forKey: .server)
    }

    /// The state saved in `workspace`; empty when there is none or it cannot be read (every file is
    /// then checked by its content, so a damaged state costs time, not correctness).
    public static func load(from workspace: Workspace) -> SyncState {
        guard let data = FileManager.default.contents(atPath: workspace.syncStateFile.path),
            let state = try? JSONDecoder().decode(SyncState.self, from: data)
        else { return SyncState() }
        return state
    }

    /// Saves the state atomically (creating `server/`).
    public func save(to workspace: Workspace) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw ClientError(.io, "could not encode the sync state: \(error)")
        }
        try AtomicFile.createDirectory(workspace.serverDirectory)
        try AtomicFile.write(data, to: workspace.syncStateFile)
    }
}

/// The size and modification time of a file, from one `stat`.
public struct FileStamp: Sendable, Equatable {
    /// Size in bytes.
    public var size: Int64
    /// Modification time, nanoseconds since 1970.
    public var modifiedNanoseconds: Int64

    /// Creates a stamp.
    public init(size: Int64, modifiedNanoseconds: Int64) {
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
    }

    /// The stamp of the regular file at `path`, nil when there is none.
    public static func of(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        return FileStamp(
            size: Int64(info.st_size), modifiedNanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }
}
