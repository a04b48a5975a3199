import AgnesClient

/// The CLI's exit codes (REFERENCE §2: the snapshot table, applied to every client command; pull and
/// init failures are 1 as specified there).
///
/// | code | meaning |
/// |---|---|
/// | 0 | success |
/// | 1 | the command ran and failed: a table did not pull, not configured, workspace state, local I/O, disk full |
/// | 2 | bad input: usage, HTTP 400/422, a query DuckDB refused |
/// | 3 | rate limited (HTTP 429) |
/// | 5 | the server failed (HTTP 5xx) or answered something unreadable |
/// | 6 | already exists (HTTP 409) |
/// | 7 | not authenticated (HTTP 401) or server unreachable |
/// | 8 | forbidden or not found (HTTP 403/404) |
/// | 9 | anything else |
public enum ExitStatus {
    /// The exit code for `error`.
    public static func code(for error: ClientError) -> Int32 {
        switch error.code {
        case .notConfigured, .partialState, .io, .diskFull, .hashMismatch, ClientError.Code("manifest_unauthorized"):
            1
        case .usage, .badRequest: 2
        case .rateLimited: 3
        case .server, .invalidResponse: 5
        case .conflict: 6
        case .unauthorized, .unreachable: 7
        case .forbidden, .notFound: 8
        default: 9
        }
    }
}
