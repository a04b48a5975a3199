import AgnesCore
import Crypto
import Foundation

/// AWS Signature Version 4 for a request without a body (an S3 `GET Object`), as the AWS SDKs sign
/// it: canonical request → string to sign → HMAC-SHA256 key chain over date, region and service, sent
/// as the `Authorization` header with `x-amz-date`, `x-amz-content-sha256` and, for temporary
/// credentials, `x-amz-security-token` (all signed).
///
/// ```swift
/// let headers = AWSSigV4(accessKeyID: id, secretAccessKey: secret, sessionToken: token, region: "us-east-1")
///     .headers(method: "GET", host: "kbc-sapi-files.s3.amazonaws.com", path: "/exp-2/1.csv.gz", query: [], date: Date())
/// ```
public struct AWSSigV4: Sendable {
    /// The SHA-256 of an empty payload, what a GET sends as `x-amz-content-sha256`.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    let accessKeyID: String
    let secretAccessKey: String
    let sessionToken: String?
    let region: String
    let service: String

    /// Creates a signer for one set of credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String?, region: String, service: String = "s3") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    /// The headers to add to the request (`host` included, since it is signed).
    ///
    /// - Parameters:
    ///   - path: The request path, not yet encoded (each segment is encoded once, as S3 wants).
    ///   - query: Query parameters, not yet encoded.
    ///   - extraHeaders: Further headers to sign (lowercase names), such as `range`.
    public func headers(
        method: String, host: String, path: String, query: [(String, String)], extraHeaders: [String: String] = [:],
        payloadHash: String = AWSSigV4.emptyPayloadHash, date: Date
    ) -> [(String, String)] {
        let stamp = Self.timestamp(date)
        let day = String(stamp.prefix(8))
        var signed = extraHeaders
        signed["host"] = host
        signed["x-amz-date"] = stamp
        signed["x-amz-content-sha256"] = payloadHash
        if let sessionToken { signed["x-amz-security-token"] = sessionToken }
        let names = signed.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(signed[$0]!.trimmingCharacters(in: .whitespaces))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            method, Self.canonicalPath(path), Self.canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", stamp, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return names.filter { $0 != "host" }.map { ($0, signed[$0]!) } + [("authorization", authorization)]
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// Each segment percent-encoded (RFC 3986 unreserved characters kept), `/` kept.
    static func canonicalPath(_ path: String) -> String {
        let encoded = path.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }
            .joined(separator: "/")
        return encoded.hasPrefix("/") ? encoded : "/" + encoded
    }

    static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (encode($0.0), encode($0.1)) }
        let sorted = encoded.sorted { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    static func encode(_ text: String) -> String {
        FormEncoding.escape(text)
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
