import AgnesCore
import Foundation

/// Where things live under `DATA_DIR` (REFERENCE §11).
public struct DataLayout: Sendable, Hashable {
    /// `DATA_DIR`.
    public let root: URL

    /// Creates the layout for a data directory.
    public init(root: URL) { self.root = root.standardizedFileURL }

    /// `DATA_DIR/extracts`.
    public var extractsDirectory: URL { root.appendingPathComponent("extracts") }
    /// `DATA_DIR/analytics`.
    public var analyticsDirectory: URL { root.appendingPathComponent("analytics") }
    /// `DATA_DIR/analytics/server.duckdb`, the current generation.
    public var analyticsFile: URL { analyticsDirectory.appendingPathComponent("server.duckdb") }
    /// `DATA_DIR/sources/local`, files that become tables of the `local` source.
    public var localSourceDirectory: URL { root.appendingPathComponent("sources/local") }

    /// `DATA_DIR/tmp/sandbox`, where query sandboxes spill (one directory each, removed with it).
    public var sandboxTemporaryDirectory: URL { root.appendingPathComponent("tmp/sandbox") }

    /// `DATA_DIR/extracts/<source>`.
    public func sourceDirectory(_ source: Identifier) -> URL {
        extractsDirectory.appendingPathComponent(source.rawValue)
    }

    /// `DATA_DIR/extracts/<source>/data`.
    public func dataDirectory(_ source: Identifier) -> URL {
        sourceDirectory(source).appendingPathComponent("data")
    }

    /// `DATA_DIR/extracts/<source>/data/<table>.parquet`, the canonical name of a table's latest file.
    public func dataFile(source: Identifier, table: Identifier) -> URL {
        dataDirectory(source).appendingPathComponent("\(table.rawValue).parquet")
    }

    /// `DATA_DIR/extracts/<source>/data/<table>.delta.parquet`, the canonical name of the latest delta of
    /// a table kept as a base and a delta (``TableDelta``).
    public func deltaFile(source: Identifier, table: Identifier) -> URL {
        dataDirectory(source).appendingPathComponent("\(table.rawValue).delta.parquet")
    }

    /// `DATA_DIR/extracts/<source>/data/.versions`, the immutable versions of the source's files.
    public func versionsDirectory(_ source: Identifier) -> URL {
        Publisher.versionsDirectory(in: dataDirectory(source))
    }

    /// The file a local table's view reads: the version its extract records when that is a file right
    /// in the source's `data/.versions` (a path elsewhere is not ours to stat, hash or serve), else the
    /// canonical file.
    public func readFile(source: Identifier, table: Identifier, recordedVersion: String?) -> URL {
        let versions = versionsDirectory(source).path + "/"
        if let recorded = recordedVersion, recorded.hasPrefix(versions) {
            let name = recorded.dropFirst(versions.count)
            if !name.isEmpty, !name.hasPrefix("."), !name.contains("/") { return URL(fileURLWithPath: recorded) }
        }
        return dataFile(source: source, table: table)
    }

    /// Every `extracts/<name>/extract.duckdb`, sorted by source name (directories only).
    public func extractFiles() -> [(name: String, file: URL)] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: extractsDirectory.path) else { return [] }
        return names.sorted().compactMap { name in
            guard !name.hasPrefix(".") else { return nil }
            var isDirectory: ObjCBool = false
            let directory = extractsDirectory.appendingPathComponent(name)
            guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                return nil
            }
            let file = directory.appendingPathComponent("extract.duckdb")
            return manager.fileExists(atPath: file.path) ? (name, file) : nil
        }
    }
}
