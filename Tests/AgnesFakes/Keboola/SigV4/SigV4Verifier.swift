import Foundation

/// Checks AWS Signature Version 4 on an S3 request the way S3 does, recomputing the canonical request
/// from the request as received (method, URI-encoded path, sorted query, the signed headers including
/// `host`, the `x-amz-content-sha256` payload hash).
///
/// Both documented forms are accepted: the `Authorization` header
/// (`AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` with `x-amz-date`; AmazonS3/latest/API/sig-v4-header-based-auth.html)
/// and presigned query parameters (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
/// `X-Amz-SignedHeaders`, `X-Amz-Signature`; sigv4-query-string-auth.html). Temporary credentials must
/// send their session token (`x-amz-security-token` / `X-Amz-Security-Token`), and every `x-amz-*` header
/// must be signed.
///
/// ```swift
/// let verifier = SigV4Verifier(region: "eu-central-1", credentials: [credential])
/// let accessKeyID = try verifier.verify(method: "GET", path: "/bucket/key", query: nil, headers: headers)
/// ```
public struct SigV4Verifier: Sendable {
    /// The region a credential scope must name.
    public let region: String
    /// The service a credential scope must name (`s3`).
    public let service: String
    /// The clock for expirations (temporary credentials, presigned URLs); nil skips those checks.
    /// Request time skew is never checked: the client signs with its wall clock.
    public let now: Date?
    private let credentials: [String: SigV4Credential]

    /// A verifier accepting `credentials` for `region`.
    public init(region: String, service: String = "s3", credentials: [SigV4Credential], now: Date? = nil) {
        self.region = region
        self.service = service
        self.now = now
        self.credentials = Dictionary(credentials.map { ($0.accessKeyID, $0) }) { _, last in last }
    }

    /// Verifies a request; returns the access key id that signed it, or throws what S3 would answer.
    ///
    /// - Parameters:
    ///   - path: the path as sent (percent-encoded).
    ///   - query: the raw query string, without `?`.
    ///   - headers: the headers as sent; names in any case.
    public func verify(method: String, path: String, query: String?, headers: [(name: String, value: String)])
        throws(SigV4Rejection) -> String
    {
        var headerValues: [String: [String]] = [:]
        for (name, value) in headers { headerValues[name.lowercased(), default: []].append(value) }
        let items = SigV4Signing.queryItems(query)
        let signed = try SignedParts(headers: headerValues, queryItems: items)
        let (credential, scope) = try checkScope(signed)
        try checkHeaders(signed, headers: headerValues)
        try checkSessionToken(signed, credential: credential)
        let payloadHash = try checkPayloadHash(signed)
        let canonicalItems = signed.isPresigned ? items.filter { $0.name != "X-Amz-Signature" } : items
        let canonical = SigV4Signing.canonicalRequest(
            method: method, path: path, queryItems: canonicalItems, headers: headerValues,
            signedHeaders: signed.signedHeaders, payloadHash: payloadHash)
        let stringToSign = SigV4Signing.stringToSign(amzDate: signed.amzDate, scope: scope, canonicalRequest: canonical)
        let expected = SigV4Signing.signature(
            secret: credential.secretAccessKey, date: String(signed.amzDate.prefix(8)), region: region,
            service: service, stringToSign: stringToSign)
        guard expected == signed.signature.lowercased() else {
            throw SigV4Rejection(
                status: 403, code: "SignatureDoesNotMatch",
                message:
                    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
                details: [
                    "AWSAccessKeyId": credential.accessKeyID, "StringToSign": stringToSign,
                    "SignatureProvided": signed.signature, "CanonicalRequest": canonical,
                ])
        }
        try checkExpiry(signed, credential: credential)
        return credential.accessKeyID
    }

    private func checkScope(_ signed: SignedParts) throws(SigV4Rejection) -> (SigV4Credential, String) {
        let parts = signed.credentialScope.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 else {
            throw Self.malformed(
                "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
        }
        guard let credential = credentials[parts[0]] else {
            throw SigV4Rejection(
                status: 403, code: "InvalidAccessKeyId",
                message: "The AWS Access Key Id you provided does not exist in our records.",
                details: ["AWSAccessKeyId": parts[0]])
        }
        guard parts[1] == String(signed.amzDate.prefix(8)) else {
            throw Self.malformed("Invalid credential date. Date is not the same as X-Amz-Date.")
        }
        guard parts[2] == region else {
            throw Self.malformed(
                "the region '\(parts[2])' is wrong; expecting '\(region)'", details: ["Region": region])
        }
        guard parts[3] == service, parts[4] == "aws4_request" else {
            throw Self.malformed("the Credential scope must end with \"\(service)/aws4_request\".")
        }
        return (credential, parts[1...].joined(separator: "/"))
    }

    private func checkHeaders(_ signed: SignedParts, headers: [String: [String]]) throws(SigV4Rejection) {
        guard signed.signedHeaders.contains("host") else {
            throw Self.malformed("SignedHeaders must include \"host\".")
        }
        let unsigned = headers.keys.filter { $0.hasPrefix("x-amz-") && !signed.signedHeaders.contains($0) }.sorted()
        guard unsigned.isEmpty else {
            throw SigV4Rejection(
                status: 403, code: "AccessDenied",
                message: "There were headers present in the request which were not signed",
                details: ["HeadersNotSigned": unsigned.joined(separator: ", ")])
        }
    }

    private func checkSessionToken(_ signed: SignedParts, credential: SigV4Credential) throws(SigV4Rejection) {
        switch (credential.sessionToken, signed.sessionToken) {
        case (nil, nil):
            return
        case (.some, nil):
            throw SigV4Rejection(
                status: 403, code: "InvalidAccessKeyId",
                message: "The AWS Access Key Id you provided does not exist in our records.",
                details: ["AWSAccessKeyId": credential.accessKeyID])
        case (let expected, let given?) where expected == given:
            return
        default:
            throw SigV4Rejection(
                status: 400, code: "InvalidToken", message: "The provided token is malformed or otherwise invalid.")
        }
    }

    private func checkPayloadHash(_ signed: SignedParts) throws(SigV4Rejection) -> String {
        guard let hash = signed.payloadHash else {
            throw SigV4Rejection(
                status: 400, code: "InvalidRequest",
                message: "Missing required header for this request: x-amz-content-sha256")
        }
        // A GET has no body: a concrete hash must be the empty body's.
        guard hash == SigV4Signing.unsignedPayload || hash.lowercased() == SigV4Signing.emptyPayloadHash else {
            throw SigV4Rejection(
                status: 400, code: "XAmzContentSHA256Mismatch",
                message: "The provided 'x-amz-content-sha256' header does not match what was computed.")
        }
        return hash
    }

    private func checkExpiry(_ signed: SignedParts, credential: SigV4Credential) throws(SigV4Rejection) {
        guard let now else { return }
        if let expiration = credential.expiration, now >= expiration {
            throw SigV4Rejection(status: 400, code: "ExpiredToken", message: "The provided token has expired.")
        }
        if let expires = signed.expiresSeconds, let signedAt = SignedParts.date(signed.amzDate),
            now >= signedAt.addingTimeInterval(TimeInterval(expires))
        {
            throw SigV4Rejection(status: 403, code: "AccessDenied", message: "Request has expired")
        }
    }

    static func malformed(_ message: String, details: [String: String] = [:]) -> SigV4Rejection {
        SigV4Rejection(
            status: 400, code: "AuthorizationHeaderMalformed",
            message: "The authorization header is malformed; " + message,
            details: details)
    }
}
