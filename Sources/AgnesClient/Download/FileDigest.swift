import Crypto
import Foundation

/// Content checks of local files: MD5 (the manifest's `hash`) and the parquet magic bytes.
/// These read whole files: run them off the cooperative pool.
public enum FileDigest {
    /// The hex MD5 of the file at `path`; nil when it cannot be read.
    public static func md5(path: String) -> String? {
        var hasher = Insecure.MD5()
        guard update(&hasher, path: path, upTo: nil) else { return nil }
        return hex(hasher.finalize())
    }

    /// The hex MD5 of the first `limit` bytes of `path` (all of a shorter file); nil when it cannot be read.
    public static func md5(path: String, firstBytes limit: Int64) -> String? {
        guard FileManager.default.isReadableFile(atPath: path) else { return nil }
        var hasher = Insecure.MD5()
        _ = update(&hasher, path: path, upTo: limit)
        return hex(hasher.finalize())
    }

    /// Feeds the first `limit` bytes (all when nil) of `path` into `hasher`. False when unreadable.
    static func update(_ hasher: inout Insecure.MD5, path: String, upTo limit: Int64?) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        var remaining = limit ?? Int64.max
        while remaining > 0 {
            let wanted = Int(min(remaining, 1 << 20))
            guard let chunk = try? handle.read(upToCount: wanted), !chunk.isEmpty else { break }
            hasher.update(data: chunk)
            remaining -= Int64(chunk.count)
        }
        return limit == nil || remaining == 0
    }

    /// Lowercase hex of a digest.
    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    /// True when the file starts and ends with the parquet magic `PAR1` (and is long enough to hold a footer).
    public static func looksLikeParquet(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size >= 12 else { return false }
        guard (try? handle.seek(toOffset: 0)) != nil, let head = try? handle.read(upToCount: 4) else { return false }
        guard (try? handle.seek(toOffset: size - 4)) != nil, let tail = try? handle.read(upToCount: 4) else {
            return false
        }
        let magic = Data("PAR1".utf8)
        return head == magic && tail == magic
    }
}
