/// Why a custom connector's run failed or its output was refused. The message is written for the admin
/// who reads it in the sync history (`failed: <message>`); the previous good extract keeps serving.
public struct CustomConnectorError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let rawValue: String

        init(_ rawValue: String) { self.rawValue = rawValue }

        /// Its `connector.yaml` (or the directory itself) is not usable.
        public static let configuration = Code("configuration")
        /// The process could not be started.
        public static let launch = Code("launch")
        /// It ran past its `timeout_seconds` and was killed.
        public static let timedOut = Code("timedOut")
        /// It exited with a status other than 0, or was killed by a signal.
        public static let failedRun = Code("failedRun")
        /// The sync was cancelled while it ran (it was killed).
        public static let cancelled = Code("cancelled")
        /// Its `extract.duckdb` breaks the extract contract (`_meta`, names, views).
        public static let invalidOutput = Code("invalidOutput")
        /// Its output reaches outside its own directory (a symbolic link, a view over another path).
        public static let outsideDirectory = Code("outsideDirectory")
        /// A `_remote_attach` row is not on the allowlists.
        public static let remoteAttach = Code("remoteAttach")
        /// Its validated output could not be published.
        public static let publish = Code("publish")

        public var description: String { rawValue }
    }

    /// What kind of failure.
    public var code: Code
    /// What happened, for humans.
    public var message: String
    /// The underlying error, when there is one.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
