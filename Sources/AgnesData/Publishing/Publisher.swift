import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one way anything writes a data file that readers may see. The bytes go to a unique temporary
/// file, are hashed as they are written (one pass), fsynced and made 0644; then
///
/// - with versions (the default, for table data) the file takes an immutable, content-derived name,
///   `.versions/<name>.<md5>.<extension>` next to the destination, and the destination itself (the
///   canonical "latest" name, `data/<table>.parquet`) is atomically replaced by a hard link to it.
///   Views bind to the version path, so a query that opens the file again later (DuckDB reads the
///   footer when binding and opens the file again when executing) reads the very bytes it bound to,
///   however often the table is republished meanwhile. Content that already has a version keeps it:
///   same path, same inode, nothing rewritten. ``VersionCollector`` deletes versions nothing uses;
/// - without versions the file is renamed over the destination.
///
/// Readers see the old file or the new one, never a partial one; two writers of the same target never
/// share a temporary file, so the last rename wins with a complete file. A crash (kill -9) at any step
/// leaves the destination and every version complete; what it can leave behind are temporaries, which
/// ``removeStaleTemporaries(in:)`` and the collector delete.
///
/// ```swift
/// let published = try Publisher().publish(to: target) { temporary in
///     try connection.execute("COPY (SELECT …) TO '\(temporary.path)' (FORMAT parquet)")
/// }
/// // published.path: …/data/orders.parquet; published.versionPath: …/data/.versions/orders.<md5>.parquet
/// ```
public struct Publisher: Sendable {
    /// Bytes read or copied per system call.
    static let chunkSize = 1 << 20
    /// Chunk size of copies (hashing and writing overlap per chunk).
    static let copyChunkSize = 4 << 20
    /// Bytes written between two write-back kicks.
    static let writeBackStep: Int64 = 32 << 20

    /// Whether each content gets an immutable version file that the destination links to.
    public let keepsVersions: Bool

    /// Creates a publisher. Without versions (`keepsVersions: false`) it only replaces the destination
    /// atomically: for files no view reads, such as generated inputs.
    public init(keepsVersions: Bool = true) { self.keepsVersions = keepsVersions }

    /// Lets `write` produce the file at a temporary path, then hashes it and publishes it.
    /// Blocking: call it off the cooperative pool.
    public func publish(to destination: URL, write: (URL) throws -> Void) throws -> PublishedFile {
        let temporary = temporaryURL(for: destination)
        do {
            try FileManager.default.createDirectory(
                at: temporary.deletingLastPathComponent(), withIntermediateDirectories: true)
            try write(temporary)
            let descriptor = try Self.open(temporary.path, flags: O_RDWR)
            defer { close(descriptor) }
            var hasher = Insecure.MD5()
            var size: Int64 = 0
            try Self.readAll(descriptor) { chunk in
                hasher.update(bufferPointer: chunk)
                size += Int64(chunk.count)
            }
            return try finish(
                descriptor, temporary: temporary, destination: destination, md5: Self.hex(hasher.finalize()),
                size: size)
        } catch {
            unlink(temporary.path)
            throw error
        }
    }

    /// Publishes a copy of `source`, hashing the bytes as they are written (one pass). Hashing and
    /// writing of each chunk run in parallel, and write-back to disk starts while copying goes on, so
    /// the final fsync finds little left to do. Blocking.
    public func publish(copying source: URL, to destination: URL) throws -> PublishedFile {
        let temporary = temporaryURL(for: destination)
        do {
            try FileManager.default.createDirectory(
                at: temporary.deletingLastPathComponent(), withIntermediateDirectories: true)
            let input = try Self.open(source.path, flags: O_RDONLY)
            defer { close(input) }
            let output = try Self.open(temporary.path, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
            defer { close(output) }
            let hasher = HashBox()
            var size: Int64 = 0
            var flushed: Int64 = 0
            try Self.readAll(input, chunkSize: Self.copyChunkSize) { chunk in
                let failure = FailureBox()
                let shared = SharedChunk(bytes: chunk)
                DispatchQueue.concurrentPerform(iterations: 2) { lane in
                    if lane == 0 {
                        hasher.update(shared.bytes)
                    } else {
                        do { try Self.writeAll(output, shared.bytes, path: temporary.path) } catch {
                            failure.error = error
                        }
                    }
                }
                if let error = failure.error { throw error }
                size += Int64(chunk.count)
                if size - flushed >= Self.writeBackStep {
                    WriteBack.start(output, offset: flushed, length: size - flushed)
                    flushed = size
                }
            }
            return try finish(
                output, temporary: temporary, destination: destination, md5: Self.hex(hasher.finalize()), size: size)
        } catch {
            unlink(temporary.path)
            throw error
        }
    }

    /// Hashes an existing file (for files a third-party connector wrote without the publisher).
    public static func md5(of file: URL) throws -> (md5: String, sizeBytes: Int64) {
        let descriptor = try open(file.path, flags: O_RDONLY)
        defer { close(descriptor) }
        var hasher = Insecure.MD5()
        var size: Int64 = 0
        try readAll(descriptor) { chunk in
            hasher.update(bufferPointer: chunk)
            size += Int64(chunk.count)
        }
        return (hex(hasher.finalize()), size)
    }

    /// Removes temporary files a crashed writer left in `directory` and in its `.versions`.
    public static func removeStaleTemporaries(in directory: URL) {
        for folder in [directory, versionsDirectory(in: directory)] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            for name in names where isTemporary(name) {
                unlink(folder.appendingPathComponent(name).path)
            }
        }
    }

    /// A unique temporary path next to `destination`.
    static func temporaryURL(for destination: URL) -> URL {
        destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).tmp-\(UUID().uuidString.lowercased())")
    }

    /// Whether a file name is one of ``temporaryURL(for:)``'s.
    static func isTemporary(_ name: String) -> Bool { name.hasPrefix(".") && name.contains(".tmp-") }

    /// Where the content is written before it is published: in `.versions` when it will become a version
    /// (a link within one directory is all it then takes), else next to the destination.
    private func temporaryURL(for destination: URL) -> URL {
        guard keepsVersions else { return Self.temporaryURL(for: destination) }
        return Self.temporaryURL(
            for: Self.versionsDirectory(for: destination).appendingPathComponent(destination.lastPathComponent))
    }

    private func finish(_ descriptor: Int32, temporary: URL, destination: URL, md5: String, size: Int64) throws
        -> PublishedFile
    {
        guard fchmod(descriptor, 0o644) == 0 else { throw PublishError.system("chmod", temporary.path) }
        guard fsync(descriptor) == 0 else { throw PublishError.system("fsync", temporary.path) }
        guard keepsVersions else {
            guard rename(temporary.path, destination.path) == 0 else {
                throw PublishError.system("rename", destination.path)
            }
            Self.syncDirectory(destination.deletingLastPathComponent())
            return PublishedFile(path: destination.path, md5: md5, sizeBytes: size)
        }
        let version = Self.versionURL(for: destination, md5: md5)
        let directory = version.deletingLastPathComponent()
        // Shared with other publishers, exclusive with the collector: a version that is being reused
        // or linked to cannot be deleted between the two steps.
        _ = try Self.withVersionsLock(on: directory, exclusive: false) {
            try Self.settle(temporary, as: version, sizeBytes: size)
            Self.syncDirectory(directory)
            try Self.point(destination, at: version)
        }
        return PublishedFile(path: destination.path, md5: md5, sizeBytes: size, versionPath: version.path)
    }

    /// Makes a rename durable.
    static func syncDirectory(_ directory: URL) {
        let descriptor = Glibc.open(directory.path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    static func open(_ path: String, flags: Int32, mode: mode_t = 0) throws -> Int32 {
        let descriptor = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw PublishError.system("open", path) }
        return descriptor
    }

    private static func readAll(
        _ descriptor: Int32, chunkSize: Int = Publisher.chunkSize, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, chunkSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw PublishError.system("read", "descriptor \(descriptor)")
            }
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    private static func writeAll(_ descriptor: Int32, _ chunk: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < chunk.count {
            let written = write(descriptor, chunk.baseAddress! + offset, chunk.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw PublishError.system("write", path)
            }
            offset += written
        }
    }

    static func hex(_ digest: Insecure.MD5Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}

/// Why publishing failed.
public struct PublishError: Error, Sendable, CustomStringConvertible {
    /// What failed, with the system's reason.
    public let message: String

    static func system(_ operation: String, _ path: String) -> PublishError {
        PublishError(message: "\(operation) \(path): \(String(cString: strerror(errno)))")
    }

    public var description: String { message }
}

/// The MD5 state shared with the hashing lane of a copy. The two lanes of `concurrentPerform` touch
/// disjoint state (this box, the file descriptor), and the caller waits for both before the next chunk.
private final class HashBox: @unchecked Sendable {
    private var hasher = Insecure.MD5()
    func update(_ chunk: UnsafeRawBufferPointer) { hasher.update(bufferPointer: chunk) }
    func finalize() -> Insecure.MD5Digest { hasher.finalize() }
}

/// A chunk both lanes read; valid until `concurrentPerform` returns (the caller owns the buffer).
private struct SharedChunk: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}

/// The write lane's error, read after both lanes finished.
private final class FailureBox: @unchecked Sendable {
    var error: (any Error)?
}

/// Starts write-back of a byte range without waiting (Linux `sync_file_range(…, SYNC_FILE_RANGE_WRITE)`),
/// looked up at run time because Glibc's Swift module does not export it. A no-op where it is missing.
enum WriteBack {
    private typealias Function = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    private static let function: Function? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }()
    private static let syncFileRangeWrite: UInt32 = 2

    static func start(_ descriptor: Int32, offset: Int64, length: Int64) {
        _ = function?(descriptor, offset, length, syncFileRangeWrite)
    }
}
