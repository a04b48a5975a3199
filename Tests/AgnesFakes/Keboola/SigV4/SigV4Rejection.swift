/// Why ``SigV4Verifier`` refused a request, in S3's terms: the HTTP status, the error `Code` of S3's
/// XML error document, its `Message`, and the extra elements S3 adds (for `SignatureDoesNotMatch`:
/// `CanonicalRequest`, `StringToSign`, `SignatureProvided`, `AWSAccessKeyId`).
public struct SigV4Rejection: Error, Sendable, Equatable {
    /// 400 or 403, as S3 answers.
    public let status: Int
    /// S3 error code, e.g. `SignatureDoesNotMatch`, `InvalidAccessKeyId`, `ExpiredToken`.
    public let code: String
    /// S3's message for the code.
    public let message: String
    /// Extra elements of the error document, by element name.
    public let details: [String: String]

    /// A rejection.
    public init(status: Int, code: String, message: String, details: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }
}
