import Foundation

/// Download credentials handed out with a file (`federationToken=1`).
enum IssuedCredentials {
    case aws(SigV4Credential)
    case gcs(accessToken: String)
    case azure(sas: String, expiration: Date)
}

extension KeboolaState {
    /// Fresh credentials for `file`, scoped to its key prefix, as Keboola issues new federation
    /// credentials on each file-detail call (valid 12 h on S3, 1 h on GCS; apiary "File Detail").
    mutating func issueCredentials(for file: ExportFile) -> IssuedCredentials {
        let scope = "\(file.bucket)/\(file.keyPrefix)"
        switch file.provider {
        case .aws:
            let credential = SigV4Credential(
                accessKeyID: "ASIA" + Self.random(16, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                secretAccessKey: Self.random(40), sessionToken: "FwoGZXIvYXdzE" + Self.random(120),
                expiration: now.addingTimeInterval(12 * 3600))
            awsCredentials[credential.accessKeyID] = (credential, scope)
            return .aws(credential)
        case .gcp:
            let token = "ya29.c.fake-" + Self.random(64)
            gcsTokens[token] = scope
            return .gcs(accessToken: token)
        case .azure:
            return .azure(sas: file.sas ?? "", expiration: now.addingTimeInterval(12 * 3600))
        }
    }

    /// The file's `url`: the manifest, presigned for one hour on the fake clock, fetchable by a plain GET.
    func manifestURL(for file: ExportFile) -> String {
        let key = SigV4Signing.uriEncode(file.manifestKey, keepsSlash: true)
        switch file.provider {
        case .aws:
            let path = "/s3/\(file.bucket)/\(key)"
            let host = baseURL.replacingOccurrences(of: "http://", with: "")
            let query = SigV4Presigner.query(
                path: path, host: host, credential: signingKey, region: file.provider.region, signedAt: now,
                expiresIn: 3600)
            return baseURL + path + "?" + query
        case .gcp:
            let path = "/\(file.bucket)/\(key)"
            let date = now.formatted(Date.ISO8601FormatStyle(dateSeparator: .omitted, timeSeparator: .omitted))
            let credential = SigV4Signing.uriEncode(
                "kbc-files@fake-project.iam.gserviceaccount.com/\(date.prefix(8))/auto/storage/goog4_request",
                keepsSlash: false)
            let signature = googleSignature(path: path, date: date, expires: "3600")
            return baseURL + "/gcs" + path
                + "?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=\(credential)&X-Goog-Date=\(date)"
                + "&X-Goog-Expires=3600&X-Goog-SignedHeaders=host&X-Goog-Signature=\(signature)"
        case .azure:
            return baseURL + "/azure/\(FakeKeboola.azureAccount)/\(file.bucket)/\(key)?\(file.sas ?? "")"
        }
    }
}
