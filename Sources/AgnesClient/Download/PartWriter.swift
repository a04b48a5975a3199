import Crypto
import NIOCore
import NIOPosix

/// Hashes and writes a download's bytes in order while more bytes arrive: the bytes go to disk in
/// 1 MB pieces, each hashed and written by a thread-pool job chained after the previous one (so
/// receiving never waits for the disk unless `depth` pieces are already queued), and every
/// `syncInterval` bytes a background `fdatasync` starts the disk early, leaving the final `fsync`
/// little to do.
struct PartWriter {
    /// The hash so far and the next offset to write.
    struct Progress: Sendable {
        var hasher: Insecure.MD5
        var position: Int64
    }

    let part: PartFile
    let start: Progress
    var pieceSize = 1 << 20
    var depth = 4
    var syncInterval: Int64 = 8 << 20
    /// False when the bytes are hashed later (ranges written out of order).
    var isHashing = true
    /// Called (on a pool thread) with the offset written up to, after each piece.
    var onWritten: @Sendable (Int64) -> Void = { _ in }
    /// Called (on a pool thread) after each periodic `fdatasync`: what was written so far is durable.
    var onSynced: @Sendable () -> Void = {}
    private var pending = ByteBuffer()
    private var tail: Task<Progress, any Error>?
    private var queued: [Task<Progress, any Error>] = []
    private var syncs: Task<Void, any Error>?
    private var unsynced: Int64 = 0

    /// A writer appending to `part` from `start`.
    init(part: PartFile, start: Progress) {
        self.part = part
        self.start = start
    }

    /// Takes bytes; ships a piece when one is full.
    mutating func append(_ chunk: ByteBuffer) async throws {
        pending.writeImmutableBuffer(chunk)
        if pending.readableBytes >= pieceSize { try await ship() }
    }

    /// Writes what is left, waits for every write and sync, and makes the file durable.
    mutating func finish() async throws -> Progress {
        try await ship()
        let progress = try await tail?.value ?? start
        try await syncs?.value
        let part = part
        try await NIOThreadPool.singleton.runIfActive { try part.sync() }
        return progress
    }

    /// After a failed transfer: writes what arrived (for a later resume), ignoring further errors.
    mutating func drain() async {
        try? await ship()
        _ = try? await tail?.value
        _ = try? await syncs?.value
    }

    private mutating func ship() async throws {
        guard pending.readableBytes > 0 else { return }
        let piece = pending
        pending = ByteBuffer()
        let (previous, start, part, isHashing, onWritten) = (tail, start, part, isHashing, onWritten)
        let task = Task {
            let progress = try await previous?.value ?? start
            return try await NIOThreadPool.singleton.runIfActive {
                var next = progress
                try piece.withUnsafeReadableBytes { bytes in
                    if isHashing { next.hasher.update(bufferPointer: bytes) }
                    try part.write(bytes, at: progress.position)
                }
                next.position += Int64(piece.readableBytes)
                onWritten(next.position)
                return next
            }
        }
        tail = task
        queued.append(task)
        unsynced += Int64(piece.readableBytes)
        if unsynced >= syncInterval {
            unsynced = 0
            let (previousSync, onSynced) = (syncs, onSynced)
            syncs = Task {
                try await previousSync?.value
                _ = try await task.value
                try await NIOThreadPool.singleton.runIfActive {
                    try part.syncData()
                    onSynced()
                }
            }
        }
        if queued.count > depth { _ = try await queued.removeFirst().value }
    }
}
