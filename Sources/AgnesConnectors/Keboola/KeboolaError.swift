import Foundation

/// What went wrong talking to Keboola or turning its export into a table. Messages are for the admin
/// who reads a sync run's outcome: they say what failed, and the token never appears in them.
public struct KeboolaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The token is wrong, expired or disabled (401): never retried.
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The token may not do this (403).
        public static let forbidden = Code(rawValue: "forbidden")
        /// The table, job or file does not exist (404).
        public static let notFound = Code(rawValue: "not_found")
        /// Keboola refused the request (another 4xx).
        public static let rejected = Code(rawValue: "rejected")
        /// Keboola kept failing or could not be reached, after the retries.
        public static let unavailable = Code(rawValue: "unavailable")
        /// An answer that does not have the documented shape.
        public static let invalidResponse = Code(rawValue: "invalid_response")
        /// The export job ended in error.
        public static let jobFailed = Code(rawValue: "job_failed")
        /// The export job did not finish in time.
        public static let timeout = Code(rawValue: "timeout")
        /// A value of the export does not parse as its column's type.
        public static let badValue = Code(rawValue: "bad_value")
        /// The registration cannot be synced as it is (no primary key for incremental, …).
        public static let invalidRegistration = Code(rawValue: "invalid_registration")
        /// Keboola is not configured (no stack URL or no token).
        public static let notConfigured = Code(rawValue: "not_configured")
    }

    /// The kind.
    public var code: Code
    /// What happened.
    public var message: String
    /// The HTTP status, when an answer carried one.
    public var status: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String { message }
}
