import Foundation

#if canImport(Glibc)
    import Glibc
    /// POSIX `write(2)` (the enum below has a `write` of its own).
    let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    let systemWrite = Darwin.write
#endif

/// Writes files so that readers (and a crash) see either the old content or the new, never a part:
/// a unique temporary file in the target's directory, `fsync`, `rename` over the target, then `fsync`
/// of the directory.
///
/// ```swift
/// try AtomicFile.write(Data(json.utf8), to: tokenURL, mode: 0o600)
/// ```
public enum AtomicFile {
    /// Writes `data` to `url` atomically with permission bits `mode`. The directory must exist.
    public static func write(_ data: Data, to url: URL, mode: mode_t = 0o644) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/.\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw ClientError.io("create", path: temporary, errno: errno) }
        var isComplete = false
        defer {
            if !isComplete { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            // The umask may have narrowed `mode` at creation; set it exactly.
            guard fchmod(descriptor, mode) == 0 else { throw ClientError.io("chmod", path: temporary, errno: errno) }
            try writeAll(descriptor, data, path: url.path)
            guard fsync(descriptor) == 0 else { throw ClientError.io("sync", path: temporary, errno: errno) }
        }
        guard rename(temporary, url.path) == 0 else { throw ClientError.io("replace", path: url.path, errno: errno) }
        isComplete = true
        syncDirectory(directory)
    }

    /// Writes `text` as UTF-8, atomically.
    public static func write(_ text: String, to url: URL, mode: mode_t = 0o644) throws {
        try write(Data(text.utf8), to: url, mode: mode)
    }

    /// Renames `source` over `destination` (both in the same directory) and, unless told otherwise,
    /// syncs the directory.
    public static func replace(_ destination: URL, with source: URL, syncingDirectory: Bool = true) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw ClientError.io("replace", path: destination.path, errno: errno)
        }
        if syncingDirectory { syncDirectory(destination.deletingLastPathComponent().path) }
    }

    /// Makes a rename in `directory` durable (best effort: not every file system supports it).
    public static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Writes all of `data` to `descriptor`, retrying short writes and EINTR.
    static func writeAll(_ descriptor: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { try writeAll(descriptor, $0, path: path) }
    }

    /// Writes all of `buffer` to `descriptor`, retrying short writes and EINTR.
    static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < buffer.count {
            let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ClientError.io("write", path: path, errno: errno)
            }
            offset += written
        }
    }

    /// Creates `url` and its missing parents (mode 0755); nothing when it exists.
    public static func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ClientError(.io, "could not create the directory \(url.path): \(error.localizedDescription)")
        }
    }
}
