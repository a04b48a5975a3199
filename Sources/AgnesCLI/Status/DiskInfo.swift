import AgnesCore
import Foundation

/// `agnes disk-info` (REFERENCE §2.7): space used by snapshots and pulled tables, and free space.
public struct DiskInfo: Sendable, Encodable {
    /// `user/snapshots/`.
    public var snapshotsDir: String
    /// Bytes in snapshots.
    public var usedBytes: Int64
    /// Snapshot files.
    public var snapshotCount: Int
    /// Bytes in `server/parquet/`.
    public var parquetBytes: Int64
    /// Free bytes on the workspace's file system.
    public var freeBytes: Int64?
    /// The snapshot quota (`AGNES_SNAPSHOT_QUOTA_GB`, default 10).
    public var quotaGB: Double

    enum CodingKeys: String, CodingKey {
        case snapshotsDir = "snapshots_dir"
        case usedBytes = "used_bytes"
        case snapshotCount = "snapshot_count"
        case parquetBytes = "parquet_bytes"
        case freeBytes = "free_bytes"
        case quotaGB = "quota_gb"
    }

    /// Measures `workspace`.
    public static func measure(workspace: Workspace, environment: [String: String]) -> DiskInfo {
        let snapshots = files(in: workspace.snapshotsDirectory, suffix: ".parquet")
        let parquet = files(in: workspace.parquetDirectory, suffix: ".parquet")
        var stats = statvfs()
        var directory = workspace.root
        while !FileManager.default.fileExists(atPath: directory.path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        let free = statvfs(directory.path, &stats) == 0 ? Int64(stats.f_bavail) * Int64(stats.f_frsize) : nil
        return DiskInfo(
            snapshotsDir: workspace.snapshotsDirectory.path, usedBytes: snapshots.reduce(0) { $0 + $1 },
            snapshotCount: snapshots.count, parquetBytes: parquet.reduce(0) { $0 + $1 }, freeBytes: free,
            quotaGB: environment["AGNES_SNAPSHOT_QUOTA_GB"].flatMap(Double.init) ?? 10)
    }

    static func files(in directory: URL, suffix: String) -> [Int64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.compactMap {
            FileStamp.of(directory.appendingPathComponent($0).path)?.size
        }
    }

    /// The lines printed without `--json`.
    public var lines: [String] {
        [
            "Snapshots:   \(snapshotCount) in \(snapshotsDir) (\(ByteCount.text(usedBytes)) of \(quotaGB) GB quota)",
            "Tables:      \(ByteCount.text(parquetBytes)) in server/parquet",
            "Free:        \(freeBytes.map(ByteCount.text) ?? "unknown")",
        ]
    }
}
