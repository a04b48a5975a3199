import Crypto
import Foundation
import NIOPosix
import Synchronization

/// The MD5 of a file that several ranges write at once, computed in file order while they write:
/// whenever the written prefix grows (range 0 moves on, or finishes and range 1's bytes follow), a
/// thread-pool job reads the new bytes back from the page cache and hashes them. When the last range
/// ends, only its tail is left to hash, instead of the whole file read back after the download.
///
/// ```swift
/// let hasher = PrefixHasher(path: part.path)
/// hasher.advance(to: ledger.writtenPrefix)   // after each piece lands
/// let md5 = try await hasher.digest(size: size)
/// ```
final class PrefixHasher: Sendable {
    private struct State {
        var hasher = Insecure.MD5()
        /// Bytes hashed so far (the running job's progress).
        var hashed: Int64 = 0
        /// Bytes known to be written from offset 0 on.
        var available: Int64 = 0
        var isRunning = false
        var job: Task<Void, any Error>?
        var failure: ClientError?
    }

    let path: String
    private let state = Mutex(State())
    private let pieceSize = 1 << 20

    init(path: String) {
        self.path = path
    }

    /// Records that the file holds every byte before `position`; starts hashing them if no job runs.
    /// Cheap and non-blocking: callable from any thread.
    func advance(to position: Int64) {
        let start = state.withLock { state -> Bool in
            state.available = max(state.available, position)
            guard !state.isRunning, state.failure == nil, state.hashed < state.available else { return false }
            state.isRunning = true
            return true
        }
        guard start else { return }
        let job = Task { try await NIOThreadPool.singleton.runIfActive { self.drain() } }
        state.withLock { $0.job = job }
    }

    /// The hex MD5 of the file's first `size` bytes, once all of them are written and hashed.
    func digest(size: Int64) async throws -> String {
        advance(to: size)
        while true {
            let (job, isDone, hasher, failure) = state.withLock {
                ($0.job, !$0.isRunning && $0.hashed >= size, $0.hasher, $0.failure)
            }
            if let failure { throw failure }
            if isDone { return FileDigest.hex(hasher.finalize()) }
            if let job { try await job.value } else { await Task.yield() }
        }
    }

    /// Hashes until it has caught up with what is written (blocking; one job at a time).
    private func drain() {
        var hasher = state.withLock { $0.hasher }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        defer { if descriptor >= 0 { close(descriptor) } }
        var buffer = [UInt8](repeating: 0, count: pieceSize)
        while true {
            let (from, to) = state.withLock { ($0.hashed, $0.available) }
            if from >= to {
                let stopped = state.withLock { state -> Bool in
                    guard state.available <= from else { return false }
                    state.hasher = hasher
                    state.isRunning = false
                    return true
                }
                if stopped { return }
                continue
            }
            let wanted = Int(min(Int64(pieceSize), to - from))
            let read =
                descriptor < 0
                ? -1 : buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(from)) }
            guard read > 0 else {
                let failure = ClientError.io("read", path: path, errno: read < 0 ? errno : EIO)
                state.withLock { state in
                    state.failure = failure
                    state.isRunning = false
                }
                return
            }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<read])) }
            state.withLock { $0.hashed = from + Int64(read) }
        }
    }
}
