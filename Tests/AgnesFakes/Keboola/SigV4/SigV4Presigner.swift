import Foundation

/// Presigned S3 GET URLs (query-string SigV4 with `X-Amz-SignedHeaders=host`), as Keboola hands out in a
/// file's `url` ("a URL with one hour expiration is generated", apiary "Group Files"). The fake signs
/// them with its own key, and its S3 emulation verifies them like any other request.
enum SigV4Presigner {
    /// The query string (without `?`) that presigns `GET <path>` on `host`.
    static func query(
        path: String, host: String, credential: SigV4Credential, region: String, signedAt: Date, expiresIn: Int
    ) -> String {
        let amzDate = signedAt.formatted(Date.ISO8601FormatStyle(dateSeparator: .omitted, timeSeparator: .omitted))
        let scope = "\(amzDate.prefix(8))/\(region)/s3/aws4_request"
        var items: [(name: String, value: String)] = [
            ("X-Amz-Algorithm", SigV4Signing.algorithm), ("X-Amz-Credential", "\(credential.accessKeyID)/\(scope)"),
            ("X-Amz-Date", amzDate), ("X-Amz-Expires", String(expiresIn)), ("X-Amz-SignedHeaders", "host"),
        ]
        let canonical = SigV4Signing.canonicalRequest(
            method: "GET", path: path, queryItems: items, headers: ["host": [host]], signedHeaders: ["host"],
            payloadHash: SigV4Signing.unsignedPayload)
        let signature = SigV4Signing.signature(
            secret: credential.secretAccessKey, date: String(amzDate.prefix(8)), region: region, service: "s3",
            stringToSign: SigV4Signing.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
        items.append(("X-Amz-Signature", signature))
        return SigV4Signing.canonicalQuery(items)
    }
}
