import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The session collector (REFERENCE §6.4), for servers where analysts also have accounts: copies
/// Claude Code transcripts from `<home>/<user>/user/sessions/*.jsonl` to
/// `DATA_DIR/user_sessions/<user id>/`, where uploads (`POST /api/upload/sessions`) land and the
/// verification detector reads. A home directory belongs to the Agnes user whose email's local part
/// is its name (one user only; otherwise it is skipped and counted as unmatched). Homes of system
/// accounts (uid below 1000) and dot directories are skipped; only regular files are copied, never
/// through a symbolic link (the server must not copy what a link in a user's home points at), and at
/// most 50 MB each, as uploads. A file already collected is copied again only when the source changed
/// (size or modification time, to the second): a transcript grows while its session runs. Copies keep the source's
/// modification time, with mode 0660 in directories of mode 2770.
public struct SessionCollector: Sendable {
    /// What a run did.
    public struct Stats: LLMJobStats, Hashable, Codable {
        public var homesScanned = 0
        public var homesUnmatched = 0
        public var filesFound = 0
        public var filesCopied = 0
        public var filesUpdated = 0
        public var filesUnchanged = 0
        public var filesSkipped = 0
        public var errors = 0
        /// Always zero: the collector asks no LLM (not in the answer).
        public var usage = LLMUsage()

        public init() {}

        enum CodingKeys: String, CodingKey {
            case errors
            case homesScanned = "homes_scanned"
            case homesUnmatched = "homes_unmatched"
            case filesFound = "files_found"
            case filesCopied = "files_copied"
            case filesUpdated = "files_updated"
            case filesUnchanged = "files_unchanged"
            case filesSkipped = "files_skipped"
        }

        public var description: String {
            "\(homesScanned) homes (\(homesUnmatched) without a user): \(filesFound) transcripts, \(filesCopied) copied, \(filesUpdated) updated, \(filesUnchanged) unchanged, \(filesSkipped) skipped, \(errors) errors"
        }
    }

    /// The largest transcript copied, as for uploads.
    static let maximumBytes = 50 * 1024 * 1024

    let home: URL
    let sessionsDirectory: URL
    let users: any UserRepository
    let logger: Logger

    /// A collector from the homes under `home` into `DATA_DIR` (`root`).
    public init(home: URL, store: SystemStore, root: URL, logger: Logger) {
        self.home = home
        self.sessionsDirectory = root.appendingPathComponent("user_sessions")
        self.users = DuckDBUserRepository(store: store)
        self.logger = logger
    }

    /// One pass over every home. Throws only when `home` cannot be listed.
    public func run() async throws -> Stats {
        let manager = FileManager.default
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: home.path)
        } catch {
            throw SessionCollectorError("the home directories in \(home.path) cannot be listed: \(error)")
        }
        let byLocalPart = Dictionary(grouping: try await users.list()) {
            String($0.email.prefix { $0 != "@" }).lowercased()
        }
        var stats = Stats()
        for name in names.sorted() where !name.hasPrefix(".") {
            let homeDirectory = home.appendingPathComponent(name)
            guard let owner = Self.regularEntry(homeDirectory, directory: true), owner.uid >= 1000 else { continue }
            stats.homesScanned += 1
            let source = homeDirectory.appendingPathComponent("user/sessions")
            guard Self.regularEntry(homeDirectory.appendingPathComponent("user"), directory: true) != nil,
                Self.regularEntry(source, directory: true) != nil,
                let files = try? manager.contentsOfDirectory(atPath: source.path)
            else { continue }
            let transcripts = files.filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }.sorted()
            guard !transcripts.isEmpty else { continue }
            guard let matches = byLocalPart[name.lowercased()], matches.count == 1, let user = matches.first else {
                stats.homesUnmatched += 1
                logger.info(
                    "session collector: no single Agnes user for a home directory",
                    metadata: ["home": "\(name)", "users": "\(byLocalPart[name.lowercased()]?.count ?? 0)"])
                continue
            }
            let target = sessionsDirectory.appendingPathComponent(user.id)
            // Reading and writing up to 50 MB a file: off the cooperative pool.
            stats = try await offloaded("agnes.session-collector") { [stats] in
                var stats = stats
                for file in transcripts {
                    stats.filesFound += 1
                    do {
                        try collect(source.appendingPathComponent(file), into: target, stats: &stats)
                    } catch {
                        stats.errors += 1
                        logger.warning(
                            "session collector: a transcript could not be copied",
                            metadata: ["home": "\(name)", "file": "\(file)", "error": "\(error)"])
                    }
                }
                return stats
            }
        }
        return stats
    }

    func collect(_ file: URL, into target: URL, stats: inout Stats) throws {
        guard let entry = Self.regularEntry(file, directory: false), entry.size <= Self.maximumBytes else {
            stats.filesSkipped += 1
            return
        }
        let destination = target.appendingPathComponent(file.lastPathComponent)
        let existing = Self.regularEntry(destination, directory: false)
        if let existing, existing.size == entry.size, existing.modified == entry.modified {
            stats.filesUnchanged += 1
            return
        }
        if Self.regularEntry(target, directory: true) == nil {
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            chmod(target.path, 0o2770)
        }
        // Opened without following a link: the file may have been swapped for one since it was checked.
        let descriptor = open(file.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw SessionCollectorError("cannot open: errno \(errno)") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        let data = try handle.read(upToCount: Self.maximumBytes + 1) ?? Data()
        guard data.count <= Self.maximumBytes else {
            stats.filesSkipped += 1
            return
        }
        let temporary = target.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).part")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o660])
        else { throw SessionCollectorError("cannot write \(temporary.path)") }
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: TimeInterval(entry.modified))], ofItemAtPath: temporary.path
        )
        guard rename(temporary.path, destination.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw SessionCollectorError("cannot move the copy into place: errno \(errno)")
        }
        if existing == nil { stats.filesCopied += 1 } else { stats.filesUpdated += 1 }
    }

    /// The entry at `url` when it is a directory (or a regular file), not a symbolic link.
    static func regularEntry(_ url: URL, directory: Bool) -> (uid: UInt32, size: Int, modified: Int)? {
        var info = stat()
        guard lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == (directory ? S_IFDIR : S_IFREG) else {
            return nil
        }
        return (info.st_uid, Int(info.st_size), Int(info.st_mtim.tv_sec))
    }
}

/// Why the session collector could not run.
public struct SessionCollectorError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
