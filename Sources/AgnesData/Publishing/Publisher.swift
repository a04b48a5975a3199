import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one way anything writes a data file that readers may see: the bytes go to a unique temporary
/// file in the target directory, which is fsynced, made 0644 and renamed over the target (then the
/// directory is fsynced). Readers see the old file or the new one, never a partial one; two writers
/// of the same target never share a temporary file, so the last rename wins with a complete file.
///
/// ```swift
/// let published = try Publisher().publish(to: target) { temporary in
///     try connection.execute("COPY (SELECT …) TO '\(temporary.path)' (FORMAT parquet)")
/// }
/// ```
public struct Publisher: Sendable {
    /// Bytes read or copied per system call.
    static let chunkSize = 1 << 20

    /// Creates a publisher.
    public init() {}

    /// Lets `write` produce the file at a temporary path next to `destination`, then hashes it and
    /// publishes it. Blocking: call it off the cooperative pool.
    public func publish(to destination: URL, write: (URL) throws -> Void) throws -> PublishedFile {
        let temporary = Self.temporaryURL(for: destination)
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try write(temporary)
            let descriptor = try Self.open(temporary.path, flags: O_RDWR)
            defer { close(descriptor) }
            var hasher = Insecure.MD5()
            var size: Int64 = 0
            try Self.readAll(descriptor) { chunk in
                hasher.update(bufferPointer: chunk)
                size += Int64(chunk.count)
            }
            try Self.finish(descriptor, temporary: temporary, destination: destination)
            return PublishedFile(path: destination.path, md5: Self.hex(hasher.finalize()), sizeBytes: size)
        } catch {
            unlink(temporary.path)
            throw error
        }
    }

    /// Publishes a copy of `source`, hashing the bytes as they are written (one pass).
    public func publish(copying source: URL, to destination: URL) throws -> PublishedFile {
        let temporary = Self.temporaryURL(for: destination)
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            let input = try Self.open(source.path, flags: O_RDONLY)
            defer { close(input) }
            let output = try Self.open(temporary.path, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
            defer { close(output) }
            var hasher = Insecure.MD5()
            var size: Int64 = 0
            try Self.readAll(input) { chunk in
                try Self.writeAll(output, chunk, path: temporary.path)
                hasher.update(bufferPointer: chunk)
                size += Int64(chunk.count)
            }
            try Self.finish(output, temporary: temporary, destination: destination)
            return PublishedFile(path: destination.path, md5: Self.hex(hasher.finalize()), sizeBytes: size)
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

    /// Removes temporary files a crashed writer left in `directory`.
    public static func removeStaleTemporaries(in directory: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(".") && name.contains(".tmp-") {
            unlink(directory.appendingPathComponent(name).path)
        }
    }

    static func temporaryURL(for destination: URL) -> URL {
        destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).tmp-\(UUID().uuidString.lowercased())")
    }

    private static func finish(_ descriptor: Int32, temporary: URL, destination: URL) throws {
        guard fchmod(descriptor, 0o644) == 0 else { throw PublishError.system("chmod", temporary.path) }
        guard fsync(descriptor) == 0 else { throw PublishError.system("fsync", temporary.path) }
        guard rename(temporary.path, destination.path) == 0 else { throw PublishError.system("rename", destination.path) }
        syncDirectory(destination.deletingLastPathComponent())
    }

    /// Makes a rename durable.
    static func syncDirectory(_ directory: URL) {
        let descriptor = Glibc.open(directory.path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func open(_ path: String, flags: Int32, mode: mode_t = 0) throws -> Int32 {
        let descriptor = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw PublishError.system("open", path) }
        return descriptor
    }

    private static func readAll(_ descriptor: Int32, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
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
