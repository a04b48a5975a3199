import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The server's log: one line per event, in `StreamLogHandler`'s shape —
/// `2026-11-26T00:39:43+0000 info agnes: method=POST path=/api/query status=200 [AgnesServer] request` —
/// written with one `write(2)` to a file descriptor (standard error by default).
///
/// `StreamLogHandler` re-rendered all of the logger's metadata whenever one key was set (twice per
/// request: Hummingbird's request id and ours), and asked the C library for the local time zone on
/// every line (a `stat` of `/etc/localtime` each time). With a line per request, that was about a
/// tenth of a millisecond of every request. Here, setting metadata only stores it, the metadata is
/// rendered when a line is written, and the timestamp (UTC) is formatted once per second.
///
/// ```swift
/// let logger = Logger(label: "agnes") { ServerLogHandler(label: $0) }
/// ```
public struct ServerLogHandler: LogHandler {
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    /// Metadata on every line of this logger (a value: copies of a logger keep their own).
    public var metadata: Logger.Metadata = [:]
    /// Metadata asked for when a line is written (task-local context, for instance).
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let output: Output

    /// A handler writing to `descriptor` (standard error by default).
    public init(label: String, descriptor: Int32 = 2, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, output: Output(descriptor: descriptor), metadataProvider: metadataProvider)
    }

    init(label: String, output: Output, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    /// One metadata value; setting it only stores it (rendering waits for a line to be written).
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line: timestamp, level, label, the merged metadata sorted by key, source, message.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, provided in provided }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, explicit in explicit }
        }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var line = output.clock.timestamp()
        line += " "
        line += event.level.rawValue
        if !label.isEmpty {
            line += " "
            line += label
        }
        line += ":"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " "
            line += key
            line += "="
            Self.appendValue(value.description, to: &line)
        }
        line += " ["
        line += event.source
        line += "] "
        Self.appendEscaped(event.message.description, to: &line)
        line += "\n"
        output.write(line)
    }

    /// A metadata value as it is, when it is one plain token; else in double quotes with `"` and `\`
    /// escaped. Either way control, format and separator characters are escaped (`\n`, `\u{2028}`), so
    /// a value taken from a request can neither start a new line nor pass off text as `key=value` pairs.
    static func appendValue(_ value: String, to line: inout String) {
        let isPlain =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy { scalar in
                scalar != "=" && scalar != "\"" && scalar != "\\" && !scalar.isInvisibleControl
                    && scalar.properties.generalCategory != .spaceSeparator
            }
        if isPlain {
            line += value
            return
        }
        line += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            default: appendEscaped(scalar, to: &line)
            }
        }
        line += "\""
    }

    /// `text` with control, format and separator characters escaped.
    static func appendEscaped(_ text: String, to line: inout String) {
        guard text.unicodeScalars.contains(where: \.isInvisibleControl) else {
            line += text
            return
        }
        for scalar in text.unicodeScalars { appendEscaped(scalar, to: &line) }
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, to line: inout String) {
        switch scalar {
        case "\n": line += "\\n"
        case "\r": line += "\\r"
        case "\t": line += "\\t"
        case _ where scalar.isInvisibleControl: line += "\\u{\(String(scalar.value, radix: 16))}"
        default: line.unicodeScalars.append(scalar)
        }
    }

    /// Where lines go, and the per-second timestamp cache they share.
    final class Output: Sendable {
        let descriptor: Int32
        let clock: SecondClock
        /// Lines written to memory instead of a descriptor (tests).
        let captured: Mutex<[String]>?

        init(descriptor: Int32, clock: SecondClock = SecondClock()) {
            self.descriptor = descriptor
            self.clock = clock
            self.captured = nil
        }

        /// An output keeping its lines in memory.
        init(capturingWith clock: SecondClock) {
            self.descriptor = -1
            self.clock = clock
            self.captured = Mutex([])
        }

        var lines: [String] { captured?.withLock { $0 } ?? [] }

        func write(_ line: String) {
            if captured != nil {
                captured?.withLock { $0.append(line) }
                return
            }
            var line = line
            line.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { return }  // a closed or full log must not stop the server
                    offset += written
                }
            }
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS+0000` for the current second, formatted once per second.
    final class SecondClock: Sendable {
        private let cache = Mutex<(second: Int, text: String)>((-1, ""))
        private let now: @Sendable () -> Int

        init(now: @escaping @Sendable () -> Int = { time(nil) }) {
            self.now = now
        }

        func timestamp() -> String {
            let second = now()
            if let text = cache.withLock({ $0.second == second ? $0.text : nil }) { return text }
            let text = Self.format(second)
            cache.withLock { $0 = (second, text) }
            return text
        }

        static func format(_ second: Int) -> String {
            var time = time_t(second)
            var parts = tm()
            gmtime_r(&time, &parts)
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))+0000"
        }
    }
}
