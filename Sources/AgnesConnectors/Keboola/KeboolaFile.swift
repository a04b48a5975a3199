import Foundation

/// An exported file with what it takes to download it (`GET /v2/storage/files/{id}?federationToken=1`).
public struct KeboolaFile: Sendable, Hashable, Decodable {
    /// File id.
    public var id: Int64
    /// Whether `url` is a manifest of slices.
    public var isSliced: Bool
    /// The file, or the manifest of a sliced file: presigned, valid for an hour.
    public var url: String
    /// `aws`, `gcp` or `azure`.
    public var provider: String?
    /// The object store's region.
    public var region: String?
    /// AWS: the object's bucket and key prefix.
    public var s3Bucket: String?
    /// AWS: the temporary credentials.
    public var awsCredentials: AWSCredentials?
    /// GCP: the OAuth access token.
    public var gcsAccessToken: String?
    /// Azure: `BlobEndpoint=…;SharedAccessSignature=…`.
    public var azureConnectionString: String?

    /// Temporary AWS credentials of a federation token.
    public struct AWSCredentials: Sendable, Hashable {
        public var accessKeyID: String
        public var secretAccessKey: String
        public var sessionToken: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, isSliced, url, provider, region, s3Path, credentials, gcsCredentials, absCredentials
    }
    enum S3PathKeys: String, CodingKey { case bucket, key }
    enum AWSKeys: String, CodingKey { case AccessKeyId, SecretAccessKey, SessionToken }
    enum GCSKeys: String, CodingKey { case access_token }
    enum AzureKeys: String, CodingKey { case SASConnectionString }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try container.decodeLenientInt(forKey: .id) else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "file id missing")
        }
        self.id = id
        isSliced = (try? container.decodeIfPresent(Bool.self, forKey: .isSliced)) ?? false
        url = try container.decode(String.self, forKey: .url)
        provider = try? container.decodeIfPresent(String.self, forKey: .provider)
        region = try? container.decodeIfPresent(String.self, forKey: .region)
        if let path = try? container.nestedContainer(keyedBy: S3PathKeys.self, forKey: .s3Path) {
            s3Bucket = try? path.decodeIfPresent(String.self, forKey: .bucket)
        }
        if let aws = try? container.nestedContainer(keyedBy: AWSKeys.self, forKey: .credentials),
            let key = try? aws.decode(String.self, forKey: .AccessKeyId),
            let secret = try? aws.decode(String.self, forKey: .SecretAccessKey)
        {
            awsCredentials = AWSCredentials(
                accessKeyID: key, secretAccessKey: secret,
                sessionToken: try? aws.decodeIfPresent(String.self, forKey: .SessionToken))
        }
        if let gcs = try? container.nestedContainer(keyedBy: GCSKeys.self, forKey: .gcsCredentials) {
            gcsAccessToken = try? gcs.decodeIfPresent(String.self, forKey: .access_token)
        }
        if let azure = try? container.nestedContainer(keyedBy: AzureKeys.self, forKey: .absCredentials) {
            azureConnectionString = try? azure.decodeIfPresent(String.self, forKey: .SASConnectionString)
        }
    }
}
