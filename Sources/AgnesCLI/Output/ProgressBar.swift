import AgnesClient
import AgnesCore
import Foundation
import Synchronization

/// A one-line progress bar on standard error for pulls: tables, bytes, rate and ETA, redrawn at
/// most ten times a second and erased at the end.
///
/// ```
/// [##########··········]  3/10 tables  45.2 MB / 90.1 MB  12.3 MB/s  ETA 4s
/// ```
public final class ProgressBar: Sendable {
    struct State {
        var tables = 0
        var finished = 0
        var total: Int64 = 0
        var done: Int64 = 0
        var started = ContinuousClock.now
        var lastDrawn = ContinuousClock.now - .seconds(1)
        var isVisible = false
    }

    private let state = Mutex(State())
    private let write: @Sendable (String) -> Void

    /// A bar drawn with `write` (standard error by default).
    public init(write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.write = write
    }

    /// Feeds one pull event.
    public func handle(_ event: Puller.Event) {
        let text: String? = state.withLock { state in
            let now = ContinuousClock.now
            switch event {
            case .started(let tables, let bytes):
                state = State(tables: tables, total: bytes, started: now)
            case .received(let bytes):
                state.done += bytes
            case .finished:
                state.finished += 1
            case .ended:
                guard state.isVisible else { return nil }
                state.isVisible = false
                return "\r\u{1B}[K"
            }
            guard now - state.lastDrawn >= .milliseconds(100) else { return nil }
            state.lastDrawn = now
            state.isVisible = true
            return "\r" + Self.line(state, elapsed: now - state.started) + "\u{1B}[K"
        }
        if let text { write(text) }
    }

    static func line(_ state: State, elapsed: Duration) -> String {
        let seconds = max(0.001, elapsed.inSeconds)
        let fraction = state.total > 0 ? min(1, Double(state.done) / Double(state.total)) : 0
        let filled = Int(fraction * 20)
        let bar = String(repeating: "#", count: filled) + String(repeating: "·", count: 20 - filled)
        let rate = Double(state.done) / seconds
        var text = "[\(bar)] \(state.finished)/\(state.tables) tables  "
        text += "\(ByteCount.text(state.done)) / \(ByteCount.text(state.total))  \(ByteCount.text(Int64(rate)))/s"
        if rate > 0, state.total > state.done {
            text += "  ETA \(Int((Double(state.total - state.done) / rate).rounded(.up)))s"
        }
        return text
    }
}
