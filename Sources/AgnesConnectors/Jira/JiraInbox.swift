import Foundation

/// The durable queue between the webhook and the processor: one small JSON file per accepted event
/// under `<raw>/queue/`, written (fsynced, renamed) before the webhook answers 200 and deleted only
/// after its issue's rows are published. A kill -9 anywhere in between leaves the file, and the next
/// start processes it.
struct JiraInbox: Sendable {
    /// What an entry asks for.
    struct Entry: Sendable, Hashable, Codable {
        /// The issue key.
        var key: String
        /// True: fetch the issue from Jira (an event, a backfill); false: re-read its raw file (the SLA poll
        /// changed it).
        var fetch: Bool
        /// The webhook event file (relative to the raw directory), whose embedded issue is the fallback
        /// when Jira cannot be reached.
        var eventFile: String?

        enum CodingKeys: String, CodingKey {
            case key, fetch
            case eventFile = "event_file"
        }
    }

    /// `<raw>/queue`.
    let directory: URL

    /// Stores `entries` durably; returns their file names.
    func add(_ entries: [Entry]) throws -> [String] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var names: [String] = []
        for entry in entries {
            let name = "\(Self.stamp())_\(UUID().uuidString.prefix(8))_\(entry.key).json"
            let temporary = directory.appendingPathComponent(".\(name).tmp")
            try JiraRawFiles.writeDurably(try JSONEncoder().encode(entry), to: temporary)
            guard rename(temporary.path, directory.appendingPathComponent(name).path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                throw JiraError(.badResponse, "could not queue the event for \(entry.key)")
            }
            names.append(name)
        }
        JiraRawFiles.syncDirectory(directory)
        return names
    }

    /// Every stored entry with its file name, oldest first (unreadable files are set aside as `.bad`).
    func stored() -> [(name: String, entry: Entry)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var found: [(String, Entry)] = []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let file = directory.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: file), let entry = try? JSONDecoder().decode(Entry.self, from: data)
            else {
                try? FileManager.default.moveItem(at: file, to: file.appendingPathExtension("bad"))
                continue
            }
            found.append((name, entry))
        }
        return found
    }

    /// Deletes handled entries.
    func remove(_ names: [String]) {
        for name in names { unlink(directory.appendingPathComponent(name).path) }
    }

    /// `YYYYmmdd_HHMMSS_ffffff` (UTC), the original's event file stamp; sorts by time.
    static func stamp(_ date: Date = Date()) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let days = micros / 86_400_000_000
        let (y, m, d) = JiraTime.civil(fromDays: days)
        let rest = micros - days * 86_400_000_000
        return String(
            format: "%04lld%02lld%02lld_%02lld%02lld%02lld_%06lld", y, m, d, rest / 3_600_000_000,
            rest / 60_000_000 % 60, rest / 1_000_000 % 60, rest % 1_000_000)
    }
}

/// The raw directory's files: `issues/<KEY>.json` (the issue as fetched, plus `_remote_links`,
/// `_synced_at`, the SLA fields and, once deleted, `_deleted_at`), `webhook_events/`, `queue/`,
/// `attachments/`. Files are written to a temporary, fsynced and renamed (mode 0660).
enum JiraRawFiles {
    static func issueFile(_ raw: URL, key: String) -> URL {
        raw.appendingPathComponent("issues").appendingPathComponent("\(key).json")
    }

    /// Writes `data` to `file` atomically and durably, mode 0660.
    static func writeAtomically(_ data: Data, to file: URL) throws {
        let directory = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try writeDurably(data, to: temporary)
            guard rename(temporary.path, file.path) == 0 else {
                throw JiraError(.badResponse, "could not store \(file.lastPathComponent)")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Creates `file` (0660) with `data`, fsynced.
    static func writeDurably(_ data: Data, to file: URL) throws {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o660)
        guard descriptor >= 0 else { throw JiraError(.badResponse, "could not create \(file.lastPathComponent)") }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { buffer -> Int in
            guard buffer.count > 0 else { return 0 }
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count <= 0 { return -1 }
                offset += count
            }
            return offset
        }
        guard written == data.count, fsync(descriptor) == 0 else {
            throw JiraError(.badResponse, "could not write \(file.lastPathComponent)")
        }
    }

    static func syncDirectory(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// The decoded raw file of `key`, nil when there is none.
    static func readIssue(_ raw: URL, key: String) -> [String: Any]? {
        guard let data = try? Data(contentsOf: issueFile(raw, key: key)) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}

/// The webhook's event files, named as the original named them.
public enum JiraEventStamp {
    /// `YYYYmmdd_HHMMSS_ffffff` of now (UTC).
    public static func now() -> String { JiraInbox.stamp() }

    /// Stores `data` at `file` atomically and durably (mode 0660). Blocking.
    public static func store(_ data: Data, at file: URL) throws { try JiraRawFiles.writeAtomically(data, to: file) }
}
