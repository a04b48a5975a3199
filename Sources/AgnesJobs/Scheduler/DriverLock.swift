import Foundation
import Synchronization

/// The lock that makes one process the scheduler's driver: an exclusive `flock` on a file in the data
/// directory, held while the process lives. The kernel drops it when the process dies (kill -9
/// included), so a second server takes over at its next attempt.
public final class DriverLock: Sendable {
    /// The lock file.
    public let file: URL
    private let descriptor = Mutex<Int32?>(nil)

    /// Creates the lock over `file` (not yet taken).
    public init(file: URL) { self.file = file }

    /// True while this process holds it.
    public var isHeld: Bool { descriptor.withLock { $0 != nil } }

    /// Takes the lock if no other process holds it; true when this process holds it afterwards.
    @discardableResult
    public func tryAcquire() -> Bool {
        descriptor.withLock { held in
            if held != nil { return true }
            try? FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let fd = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return false }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                return false
            }
            let text = "\(getpid())\n"
            _ = ftruncate(fd, 0)
            _ = text.withCString { write(fd, $0, strlen($0)) }
            held = fd
            return true
        }
    }

    /// Lets the lock go.
    public func release() {
        descriptor.withLock { held in
            if let fd = held {
                flock(fd, LOCK_UN)
                close(fd)
            }
            held = nil
        }
    }

    deinit { release() }
}
