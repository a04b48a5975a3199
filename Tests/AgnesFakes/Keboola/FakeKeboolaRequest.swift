/// A request ``FakeKeboola`` received, for tests that check what a client sent.
public struct FakeKeboolaRequest: Sendable {
    /// `GET`, `POST`, …
    public let method: String
    /// The path as sent, still percent-encoded.
    public let path: String
    /// The raw query string (without `?`), nil when there was none.
    public let query: String?
    /// Header values by lowercased name; repeated headers are joined with `, `.
    public let headers: [String: String]
    /// The body as UTF-8 text (empty for GETs).
    public let body: String

    /// A recorded request.
    public init(method: String, path: String, query: String?, headers: [String: String], body: String) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
