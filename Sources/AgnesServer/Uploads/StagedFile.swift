import DuckDB
import Foundation
import NIOCore

/// A file written under a temporary name beside its destination and renamed over it only once complete,
/// so nobody ever reads a partial file and a failed write leaves nothing behind.
///
/// The temporary name starts with a dot (`.upload-<uuid>.part`), which no stored upload name does. All
/// file-system calls run off the cooperative pool.
///
/// ```swift
/// let file = try await StagedFile.create(at: destination)
/// do {
///     try await file.write(bytes)
///     try await file.commit()
/// } catch {
///     await file.discard()
///     throw error
/// }
/// ```
struct StagedFile: Sendable {
    /// Where the file ends up.
    let destination: URL
    /// Where it is written meanwhile.
    let temporary: URL
    private let handle: FileHandle

    /// Creates the destination's directory (and parents) and an empty temporary file (mode 0644) in it.
    static func create(at destination: URL) async throws -> StagedFile {
        try await offloaded("agnes.upload") {
            let directory = destination.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let temporary = directory.appendingPathComponent(".upload-\(UUID().uuidString).part")
            guard
                FileManager.default.createFile(
                    atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o644])
            else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
            }
            return StagedFile(
                destination: destination, temporary: temporary, handle: try FileHandle(forWritingTo: temporary))
        }
    }

    /// Appends bytes to the temporary file.
    func write(_ bytes: ByteBuffer) async throws {
        let data = Data(bytes.readableBytesView)
        try await offloaded("agnes.upload") { [handle] in try handle.write(contentsOf: data) }
    }

    /// Flushes and closes the temporary file, then renames it over the destination (atomically
    /// replacing an existing file of that name).
    func commit() async throws {
        try await offloaded("agnes.upload") { [handle, temporary, destination] in
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, destination.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path])
            }
        }
    }

    /// Closes and removes the temporary file; never throws.
    func discard() async {
        _ = try? await offloaded("agnes.upload") { [handle, temporary] in
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}
