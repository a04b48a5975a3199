import Dispatch
import DuckDB

/// Interrupts the DuckDB statement a connection runs once `deadline` has passed or `cancellation` is
/// set, whichever comes first: the bound on converting a connector's output (its views' SQL runs then).
final class Watchdog {
    private let timer: any DispatchSourceTimer
    private let fired = CancellationFlag()

    /// Starts watching.
    init(deadline: ContinuousClock.Instant, cancellation: CancellationFlag, interrupt: InterruptHandle) {
        let fired = self.fired
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "agnes.custom.watchdog"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler {
            guard !fired.isSet, cancellation.isSet || ContinuousClock.now >= deadline else { return }
            fired.set()
            interrupt.interruptNow()
        }
        timer.resume()
    }

    /// Whether it interrupted the connection.
    var hasFired: Bool { fired.isSet }

    /// Stops watching.
    func stop() { timer.cancel() }

    deinit { timer.cancel() }
}
