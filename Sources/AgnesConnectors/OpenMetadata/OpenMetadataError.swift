import Foundation

/// What went wrong talking to OpenMetadata. Messages say what failed for the admin who reads the
/// export's outcome; the token never appears in them.
public struct OpenMetadataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The token is wrong, expired or missing (401): never retried.
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The token's principal may not read this (403).
        public static let forbidden = Code(rawValue: "forbidden")
        /// No such entity (404) where one was required.
        public static let notFound = Code(rawValue: "not_found")
        /// OpenMetadata refused the request (another 4xx).
        public static let rejected = Code(rawValue: "rejected")
        /// OpenMetadata kept answering 429 or 5xx, after the retries.
        public static let unavailable = Code(rawValue: "unavailable")
        /// OpenMetadata could not be reached at all (refused, timed out, cut off), after the retries.
        public static let unreachable = Code(rawValue: "unreachable")
        /// An answer that does not have the documented shape.
        public static let invalidResponse = Code(rawValue: "invalid_response")
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

    /// True when nothing else will work either (a refused token, a server out of reach): the export
    /// stops instead of failing every table one by one.
    public var isFatal: Bool { code == .unauthorized || code == .unreachable }

    public var description: String { message }
}
