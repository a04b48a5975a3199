import Logging
import Synchronization

/// Collects what a `Logger` logs, so tests can assert on warnings without bootstrapping logging.
public final class LogRecorder: Sendable {
    /// One logged event.
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata
    }

    private let storage = Mutex<[Entry]>([])

    /// An empty recorder.
    public init() {}

    /// A logger, at `trace` level, whose every entry lands here.
    public var logger: Logger {
        Logger(label: "agnes.config.test") { _ in RecordingLogHandler(recorder: self) }
    }

    /// Everything logged so far.
    public var entries: [Entry] { storage.withLock { $0 } }

    /// The messages logged at `warning` level.
    public var warnings: [String] { entries.filter { $0.level == .warning }.map(\.message) }

    /// Keeps one entry.
    public func record(_ entry: Entry) {
        storage.withLock { $0.append(entry) }
    }
}

private struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.record(
            .init(
                level: event.level,
                message: event.message.description,
                metadata: metadata.merging(event.metadata ?? [:]) { _, new in new }
            )
        )
    }
}
