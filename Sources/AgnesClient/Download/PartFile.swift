import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A download in progress: `<file>.part`, written with `pwrite` at explicit offsets. Its methods
/// block; callers run them off the cooperative pool.
struct PartFile: Sendable {
    let path: String
    let descriptor: Int32

    /// Opens (creating) `path` for writing and cuts it to `length` bytes (-1: as it is).
    static func open(path: String, keeping length: Int64) throws -> PartFile {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (length == 0 ? O_TRUNC : 0)
        let descriptor = Glibc.open(path, flags, 0o644)
        guard descriptor >= 0 else { throw ClientError.io("create", path: path, errno: errno) }
        guard length <= 0 || ftruncate(descriptor, off_t(length)) == 0 else {
            let number = errno
            Glibc.close(descriptor)
            throw ClientError.io("truncate", path: path, errno: number)
        }
        return PartFile(path: path, descriptor: descriptor)
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if written < 0 {
                if errno == EINTR { continue }
                throw ClientError.io("write", path: path, errno: errno)
            }
            done += written
        }
    }

    /// Flushes the file to disk.
    func sync() throws {
        guard fsync(descriptor) == 0 else { throw ClientError.io("sync", path: path, errno: errno) }
    }

    /// Flushes the file's data (not necessarily its metadata) to disk.
    func syncData() throws {
        guard fdatasync(descriptor) == 0 else { throw ClientError.io("sync", path: path, errno: errno) }
    }

    func close() {
        Glibc.close(descriptor)
    }

    /// The size of the file at `path`, or nil when there is none.
    static func size(of path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }
}
