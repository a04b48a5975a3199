import Crypto
import Foundation

/// The arithmetic of AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv4-create-signed-request.html,
/// AmazonS3/latest/API/sig-v4-header-based-auth.html): canonical request, string to sign, signing key.
/// Shared by the verifier and the fake's own presigned URLs.
enum SigV4Signing {
    static let algorithm = "AWS4-HMAC-SHA256"
    static let unsignedPayload = "UNSIGNED-PAYLOAD"
    static let emptyPayloadHash = hex(SHA256.hash(data: Data()))

    /// `method\nURI\nquery\nheaders\nsigned headers\npayload hash`, from the request as received.
    static func canonicalRequest(
        method: String, path: String, queryItems: [(name: String, value: String)], headers: [String: [String]],
        signedHeaders: [String], payloadHash: String
    ) -> String {
        let canonicalHeaders = signedHeaders.map { name in
            let values = (headers[name] ?? []).map(trimmedHeaderValue)
            return "\(name):\(values.joined(separator: ","))\n"
        }.joined()
        return [
            method, canonicalURI(path), canonicalQuery(queryItems), canonicalHeaders,
            signedHeaders.joined(separator: ";"),
            payloadHash,
        ].joined(separator: "\n")
    }

    /// `AWS4-HMAC-SHA256\n<amz date>\n<scope>\nhex(sha256(canonical request))`.
    static func stringToSign(amzDate: String, scope: String, canonicalRequest: String) -> String {
        [algorithm, amzDate, scope, hex(SHA256.hash(data: Data(canonicalRequest.utf8)))].joined(separator: "\n")
    }

    /// The hex signature: HMAC chain `"AWS4"+secret → date → region → service → "aws4_request"`, then
    /// HMAC of the string to sign.
    static func signature(secret: String, date: String, region: String, service: String, stringToSign: String) -> String
    {
        var key = SymmetricKey(data: Data(("AWS4" + secret).utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    /// The path percent-decoded, then encoded the S3 way: every byte but `A-Z a-z 0-9 - _ . ~` and `/`.
    static func canonicalURI(_ path: String) -> String {
        let decoded = path.removingPercentEncoding ?? path
        return decoded.isEmpty ? "/" : uriEncode(decoded, keepsSlash: true)
    }

    /// Query parameters encoded and sorted by name, then value; `name=` for an empty value.
    static func canonicalQuery(_ items: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = items.map { item in
            (uriEncode(item.name, keepsSlash: false), uriEncode(item.value, keepsSlash: false))
        }
        let sorted = encoded.sorted { left, right in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// A raw query string split into decoded pairs (`%XX` decoded; `+` stays a plus, as S3 reads it).
    static func queryItems(_ query: String?) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : ""
            return (name.removingPercentEncoding ?? name, value.removingPercentEncoding ?? value)
        }
    }

    /// AWS's URI encoding: unreserved characters kept, everything else `%XX` of its UTF-8 bytes.
    static func uriEncode(_ text: String, keepsSlash: Bool) -> String {
        var encoded = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) || (keepsSlash && byte == slash) {
                encoded.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                encoded += "%" + hexDigits[Int(byte >> 4)] + hexDigits[Int(byte & 0x0F)]
            }
        }
        return encoded
    }

    private static let unreserved = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)
    private static let slash = UInt8(ascii: "/")
    private static let hexDigits = "0123456789ABCDEF".map(String.init)

    /// A header value trimmed, with runs of spaces collapsed to one.
    static func trimmedHeaderValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
