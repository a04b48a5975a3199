/// A request ``FakeBigQuery`` received, for tests that check what a client sent.
public struct FakeBigQueryRequest: Sendable {
    /// `GET`, `POST`, …
    public let method: String
    /// The path as sent, still percent-encoded.
    public let path: String
    /// The query parameters, percent-decoded; the first value of a repeated name wins.
    public let queryItems: [String: String]
    /// Header values by lowercased name; repeated headers are joined with `, `.
    public let headers: [String: String]
    /// The body as UTF-8 text (empty for GETs).
    public let body: String
}
