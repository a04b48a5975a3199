import Foundation

/// AWS credentials the S3 emulation accepts: an access key pair, and for temporary (STS federation)
/// credentials the session token that must come along as `x-amz-security-token`.
public struct SigV4Credential: Sendable, Hashable {
    /// `AccessKeyId`.
    public var accessKeyID: String
    /// `SecretAccessKey`.
    public var secretAccessKey: String
    /// `SessionToken` of temporary credentials; nil for long-term keys.
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?

    /// Credentials; `sessionToken` and `expiration` only for temporary ones.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
}
