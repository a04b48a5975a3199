import Foundation

/// The signature parts of an S3 request, from its `Authorization` header or from presigned query
/// parameters.
struct SignedParts {
    let isPresigned: Bool
    let credentialScope: String
    let signedHeaders: [String]
    let signature: String
    let amzDate: String
    let sessionToken: String?
    let payloadHash: String?
    let expiresSeconds: Int?

    init(headers: [String: [String]], queryItems: [(name: String, value: String)]) throws(SigV4Rejection) {
        let query = Dictionary(queryItems.map { ($0.name, $0.value) }) { first, _ in first }
        if let authorization = headers["authorization"]?.first {
            guard authorization.hasPrefix(SigV4Signing.algorithm + " ") else {
                throw SigV4Rejection(
                    status: 400, code: "InvalidArgument", message: "Unsupported Authorization Type",
                    details: ["ArgumentName": "Authorization", "ArgumentValue": authorization])
            }
            let fields = Self.authorizationFields(String(authorization.dropFirst(SigV4Signing.algorithm.count + 1)))
            guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
                let signature = fields["Signature"]
            else { throw SigV4Verifier.malformed("it must contain Credential, SignedHeaders and Signature.") }
            guard let amzDate = headers["x-amz-date"]?.first, Self.date(amzDate) != nil else {
                throw SigV4Rejection(
                    status: 403, code: "AccessDenied",
                    message: "AWS authentication requires a valid Date or x-amz-date header")
            }
            isPresigned = false
            credentialScope = credential
            self.signedHeaders = signedHeaders.split(separator: ";").map { $0.lowercased() }
            self.signature = signature
            self.amzDate = amzDate
            sessionToken = headers["x-amz-security-token"]?.first
            payloadHash = headers["x-amz-content-sha256"]?.first
            expiresSeconds = nil
        } else if let algorithm = query["X-Amz-Algorithm"] {
            guard algorithm == SigV4Signing.algorithm else {
                throw SigV4Rejection(
                    status: 400, code: "AuthorizationQueryParametersError",
                    message: "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
            }
            guard let credential = query["X-Amz-Credential"], let signedHeaders = query["X-Amz-SignedHeaders"],
                let signature = query["X-Amz-Signature"], let amzDate = query["X-Amz-Date"], Self.date(amzDate) != nil,
                let expires = query["X-Amz-Expires"].flatMap({ Int($0) }), (1...604_800).contains(expires)
            else {
                throw SigV4Rejection(
                    status: 400, code: "AuthorizationQueryParametersError",
                    message:
                        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
                )
            }
            isPresigned = true
            credentialScope = credential
            self.signedHeaders = signedHeaders.split(separator: ";").map { $0.lowercased() }
            self.signature = signature
            self.amzDate = amzDate
            sessionToken = query["X-Amz-Security-Token"]
            payloadHash =
                query["X-Amz-Content-Sha256"] ?? headers["x-amz-content-sha256"]?.first
                ?? SigV4Signing.unsignedPayload
            expiresSeconds = expires
        } else {
            throw SigV4Rejection(status: 403, code: "AccessDenied", message: "Access Denied")
        }
    }

    /// `Credential=…, SignedHeaders=…, Signature=…` (commas, optional spaces) as a dictionary.
    private static func authorizationFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for part in text.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        return fields
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` as a date.
    static func date(_ amzDate: String) -> Date? {
        try? Date(amzDate, strategy: Date.ISO8601FormatStyle(dateSeparator: .omitted, timeSeparator: .omitted))
    }
}
