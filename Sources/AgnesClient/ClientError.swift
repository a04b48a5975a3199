import Foundation

/// Everything that can go wrong talking to an Agnes server or writing the analyst's files: a code a
/// program can switch on, a one-line cause for people, and a hint saying what to do about it.
///
/// ```swift
/// do { try await api.manifest() } catch let error as ClientError where error.code == .unauthorized { … }
/// ```
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes are new static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable name, as printed in `--json` output (`auth_failed`, `server_unreachable`, …).
        public let name: String
        /// Creates a code.
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No server URL or no token is configured.
        public static let notConfigured = Code("not_configured")
        /// The server could not be reached (connection refused, DNS, TLS, timeout).
        public static let unreachable = Code("server_unreachable")
        /// 401: the token is missing, invalid, expired or revoked.
        public static let unauthorized = Code("auth_failed")
        /// 403: the caller may not do this.
        public static let forbidden = Code("forbidden")
        /// 404: no such thing (or the server does not have this route).
        public static let notFound = Code("not_found")
        /// 400/422: the request was refused as invalid.
        public static let badRequest = Code("bad_request")
        /// 409: it already exists, or a guard refused the change.
        public static let conflict = Code("conflict")
        /// 429: too many requests.
        public static let rateLimited = Code("rate_limited")
        /// 5xx: the server failed.
        public static let server = Code("server_error")
        /// The server answered something this client cannot read.
        public static let invalidResponse = Code("invalid_response")
        /// Downloaded bytes do not match the manifest's content hash.
        public static let hashMismatch = Code("hash_mismatch")
        /// The disk (or the file size limit) is full.
        public static let diskFull = Code("disk_full")
        /// A local file could not be read or written.
        public static let io = Code("io_error")
        /// The local workspace is in a state the command refuses to touch.
        public static let partialState = Code("partial_state")
        /// The command's input is invalid.
        public static let usage = Code("usage")
    }

    /// What kind of failure.
    public var code: Code
    /// One line saying what happened.
    public var message: String
    /// One line saying what to do, if there is something to say.
    public var hint: String?
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// The server's `detail` value, when it sent one.
    public var detail: JSONValue?

    /// Creates an error.
    public init(_ code: Code, _ message: String, hint: String? = nil, status: Int? = nil, detail: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.status = status
        self.detail = detail
    }

    public var description: String { message }
}

extension ClientError {
    /// The error for an I/O failure with `errno`-style code `number` while doing `action` on `path`.
    public static func io(_ action: String, path: String, errno number: Int32) -> ClientError {
        let reason = String(cString: strerror(number))
        if number == ENOSPC || number == EFBIG || number == EDQUOT {
            return ClientError(
                .diskFull, "no space left to \(action) \(path) (\(reason))",
                hint: "free some disk space (agnes disk-info shows the workspace's use) and run the command again")
        }
        return ClientError(.io, "could not \(action) \(path): \(reason)")
    }
}
