import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Deletes the version files of one data directory that nothing uses any more.
///
/// A version stays while any of these holds: the source's current extract names it; the canonical file
/// of its table is a link to it (the latest content: a connector may be about to name it in its next
/// extract); it was written, or its links changed, less than the grace period ago; it was first seen
/// unused less than the grace period ago; an open analytics generation of this process can read it.
/// When a version was first seen unused is kept in `.versions/.unused`, so the grace period survives
/// restarts and one-shot processes. The collector also deletes temporaries (of crashed writers) older
/// than the grace period.
///
/// All of it happens under the exclusive lock of the `.versions` directory, which publishers take shared
/// while they reuse a version or point the canonical name at one; when a publisher holds it, the
/// directory is skipped until the next collection.
struct VersionCollector: Sendable {
    /// What one collection did.
    struct Outcome: Sendable, Hashable {
        /// The versions deleted.
        var removed: [URL] = []
        /// True when nothing is left to wait for: no unused version, no temporary.
        var isSettled = true
    }

    let retention: VersionRetention

    /// Collects `dataDirectory`. `referenced` holds the version file names the current extract lists;
    /// `inUse` is asked only when some version is due, for the names open generations can read (nil:
    /// unknown, keep everything). Blocking.
    func collect(dataDirectory: URL, referenced: Set<String>, inUse: () -> Set<String>?) throws -> Outcome {
        let versions = Publisher.versionsDirectory(in: dataDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: versions.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { return Outcome() }
        let outcome = try Publisher.withVersionsLock(on: versions, exclusive: true) {
            try collectLocked(dataDirectory: dataDirectory, versions: versions, referenced: referenced, inUse: inUse)
        }
        return outcome ?? Outcome(isSettled: false)
    }

    private func collectLocked(
        dataDirectory: URL, versions: URL, referenced: Set<String>, inUse: () -> Set<String>?
    ) throws -> Outcome {
        var outcome = Outcome()
        let now = retention.now().timeIntervalSince1970
        let grace = retention.graceSeconds
        let names = try FileManager.default.contentsOfDirectory(atPath: versions.path)
        let (latest, isClean) = Self.scan(dataDirectory, now: now, grace: grace)
        outcome.isSettled = isClean
        let original = UnusedLedger.read(versions)
        var ledger = original
        var due: [String] = []
        for name in names {
            let path = versions.appendingPathComponent(name).path
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let written = Self.changed(info)
            if Publisher.isTemporary(name) {
                if now - written < grace || unlink(path) != 0 { outcome.isSettled = false }
                continue
            }
            guard !name.hasPrefix("."), (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if referenced.contains(name) || latest.contains(FileIdentity(info)) {
                ledger.unusedSince[name] = nil
                continue
            }
            let unusedSince = ledger.unusedSince[name] ?? now
            ledger.unusedSince[name] = unusedSince
            if now - unusedSince >= grace, now - written >= grace { due.append(name) }
        }
        if !due.isEmpty, let open = inUse() {
            for name in due where !open.contains(name) {
                let version = versions.appendingPathComponent(name)
                if unlink(version.path) == 0 {
                    outcome.removed.append(version)
                    ledger.unusedSince[name] = nil
                }
            }
        }
        let present = Set(names)
        ledger.unusedSince = ledger.unusedSince.filter { present.contains($0.key) }
        if ledger != original { try ledger.write(versions) }
        if !ledger.unusedSince.isEmpty { outcome.isSettled = false }
        return outcome
    }

    /// When a file last changed: its content (modification time) or its links (change time, which moves
    /// when a version stops being the canonical file and when a temporary link is made).
    static func changed(_ info: stat) -> TimeInterval {
        TimeInterval(max(info.st_mtim.tv_sec, info.st_ctim.tv_sec))
    }

    /// The identities of the canonical files in the data directory (its visible regular files), after
    /// deleting its temporaries (canonical links of a crashed publisher) that are older than the grace
    /// period: a writer at work keeps its temporary's modification time fresh. `isClean` is false when
    /// a temporary is left.
    static func scan(_ dataDirectory: URL, now: TimeInterval, grace: TimeInterval) -> (
        latest: Set<FileIdentity>, isClean: Bool
    ) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.path) else {
            return ([], true)
        }
        var latest: Set<FileIdentity> = []
        var isClean = true
        for name in names {
            let path = dataDirectory.appendingPathComponent(name).path
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if Publisher.isTemporary(name) {
                if now - changed(info) < grace || unlink(path) != 0 { isClean = false }
            } else if !name.hasPrefix("."), (info.st_mode & S_IFMT) == S_IFREG {
                latest.insert(FileIdentity(info))
            }
        }
        return (latest, isClean)
    }
}

/// `.versions/.unused`: when each unused version was first seen unused (seconds since 1970). Losing or
/// damaging it only restarts the grace periods, so it is written without fsync.
struct UnusedLedger: Equatable, Codable {
    var unusedSince: [String: TimeInterval] = [:]

    static let fileName = ".unused"

    static func read(_ versions: URL) -> UnusedLedger {
        guard let data = try? Data(contentsOf: versions.appendingPathComponent(fileName)),
            let ledger = try? JSONDecoder().decode(UnusedLedger.self, from: data)
        else { return UnusedLedger() }
        return ledger
    }

    func write(_ versions: URL) throws {
        let target = versions.appendingPathComponent(Self.fileName)
        let temporary = Publisher.temporaryURL(for: target)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try encoder.encode(self).write(to: temporary)
            guard rename(temporary.path, target.path) == 0 else { throw PublishError.system("rename", target.path) }
        } catch {
            unlink(temporary.path)
            throw error
        }
    }
}
