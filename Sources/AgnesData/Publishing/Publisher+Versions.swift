import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Publisher {
    /// The directory, next to the published files, that holds their versions.
    public static let versionsDirectoryName = ".versions"

    /// `<directory of destination>/.versions`.
    public static func versionsDirectory(for destination: URL) -> URL {
        versionsDirectory(in: destination.deletingLastPathComponent())
    }

    /// `<directory>/.versions`.
    static func versionsDirectory(in directory: URL) -> URL {
        directory.appendingPathComponent(versionsDirectoryName)
    }

    /// `.versions/<name>.<md5>.<extension>`: the full MD5, so that two contents never share a name by
    /// accident. (A deliberately colliding pair needs someone who writes both files: they gain nothing.)
    static func versionURL(for destination: URL, md5: String) -> URL {
        let name = destination.lastPathComponent
        let fileExtension = destination.pathExtension
        let versionName =
            fileExtension.isEmpty
            ? "\(name).\(md5)" : "\(name.dropLast(fileExtension.count + 1)).\(md5).\(fileExtension)"
        return versionsDirectory(for: destination).appendingPathComponent(versionName)
    }

    /// Gives the complete temporary file its version name, or drops it when that content is already
    /// published (the existing version is kept as it is: same path, same inode, same modification time).
    static func settle(_ temporary: URL, as version: URL, sizeBytes: Int64) throws {
        if link(temporary.path, version.path) != 0 {
            guard errno == EEXIST else { throw PublishError.system("link", version.path) }
            var info = stat()
            if stat(version.path, &info) != 0 || Int64(info.st_size) != sizeBytes {
                // Not what its name says (damaged by hand): replace it with the complete file.
                guard rename(temporary.path, version.path) == 0 else {
                    throw PublishError.system("rename", version.path)
                }
                return
            }
        }
        unlink(temporary.path)
    }

    /// Makes `destination` a hard link to `version`, atomically (link to a temporary name, rename over).
    /// Nothing happens when it already is one, so republishing identical content leaves the destination's
    /// inode and modification time as they were.
    static func point(_ destination: URL, at version: URL) throws {
        if let current = FileIdentity(path: destination.path), current == FileIdentity(path: version.path) { return }
        let temporary = temporaryURL(for: destination)
        guard link(version.path, temporary.path) == 0 else { throw PublishError.system("link", temporary.path) }
        // When a concurrent writer linked the same version first, rename(2) of two links to one file
        // succeeds without removing the source name: the unlink below does.
        defer { unlink(temporary.path) }
        guard rename(temporary.path, destination.path) == 0 else {
            throw PublishError.system("rename", destination.path)
        }
        syncDirectory(destination.deletingLastPathComponent())
    }

    /// Runs `body` holding an advisory lock (flock) on a `.versions` directory: shared by publishers,
    /// exclusive for the collector. An exclusive request does not wait: it returns nil when the
    /// directory is busy. Closing the descriptor releases the lock, also when the process dies.
    static func withVersionsLock<T>(on directory: URL, exclusive: Bool, _ body: () throws -> T) throws -> T? {
        let descriptor = Glibc.open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw PublishError.system("open", directory.path) }
        defer { close(descriptor) }
        let operation = exclusive ? LOCK_EX | LOCK_NB : LOCK_SH
        while flock(descriptor, operation) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return nil }
            throw PublishError.system("flock", directory.path)
        }
        return try body()
    }
}

/// Device and inode of a file: two names with equal identities are links to one file.
struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }
}
