import Foundation
import Synchronization

/// A cheap fingerprint of everything a source's views depend on: its extract file and the data files
/// its views read (size, modification time, inode). When it is unchanged, the source's views need no
/// re-binding.
public enum SourceSignature {
    static func of(extract: URL, dataFiles: [URL]) -> String {
        ([extract] + dataFiles).map(stamp).joined(separator: "|")
    }

    public static func stamp(_ file: URL) -> String {
        var info = stat()
        guard stat(file.path, &info) == 0 else { return "-" }
        return "\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}

/// What inspecting one extract found, kept per process so that an unchanged extract file (same
/// inode, size and modification time) is not opened again on the next rebuild.
final class InspectionCache: Sendable {
    struct Entry: Sendable {
        let extractStamp: String
        let tables: [ExtractInspector.Table]
        let issues: [RebuildIssue]
        /// The file each table's view reads, by table name.
        let dataFiles: [String: URL]
        /// The version files of the listed tables, the only ones views built from this extract read
        /// (kept from collection while the extract is current).
        let versionFiles: Set<String>
    }

    private let entries = Mutex<[String: Entry]>([:])

    func entry(source: String, extractStamp: String) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[source], entry.extractStamp == extractStamp else { return nil }
            return entry
        }
    }

    func store(source: String, _ entry: Entry) { entries.withLock { $0[source] = entry } }

    func forget(source: String) { _ = entries.withLock { $0.removeValue(forKey: source) } }
}
