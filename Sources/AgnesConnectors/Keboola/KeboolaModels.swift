import Foundation

/// The token's identity (`GET /v2/storage/tokens/verify`): what the connection test shows.
public struct KeboolaToken: Sendable, Hashable, Decodable {
    /// Token id (a string in Keboola's answers).
    public var id: String
    /// The token's description.
    public var description: String?
    /// The project it belongs to.
    public var projectID: String?
    /// The project's name.
    public var projectName: String?
    /// Where export files live: `aws`, `gcp` or `azure`.
    public var fileStorageProvider: String?

    enum CodingKeys: String, CodingKey { case id, description, owner }
    enum OwnerKeys: String, CodingKey { case id, name, fileStorageProvider }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeLenientString(forKey: .id) ?? ""
        description = try? container.decodeIfPresent(String.self, forKey: .description)
        if let owner = try? container.nestedContainer(keyedBy: OwnerKeys.self, forKey: .owner) {
            projectID = try owner.decodeLenientString(forKey: .id)
            projectName = try? owner.decodeIfPresent(String.self, forKey: .name)
            fileStorageProvider = try? owner.decodeIfPresent(String.self, forKey: .fileStorageProvider)
        }
    }
}

/// A bucket (`GET /v2/storage/buckets`).
public struct KeboolaBucket: Sendable, Hashable, Decodable {
    /// `in.c-main`.
    public var id: String
    /// `c-main`.
    public var name: String?
    /// `in` or `out`.
    public var stage: String?
}

/// One `{id, key, value, provider, timestamp}` metadata entry of a table or column.
public struct KeboolaMetadata: Sendable, Hashable, Decodable {
    /// `KBC.datatype.basetype`, `KBC.description`, …
    public var key: String
    /// Always text.
    public var value: String
    /// Who wrote it: `user`, `storage`, a component id.
    public var provider: String?

    /// Creates an entry.
    public init(key: String, value: String, provider: String?) {
        self.key = key
        self.value = value
        self.provider = provider
    }

    enum CodingKeys: String, CodingKey { case key, value, provider }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        value = try container.decodeLenientString(forKey: .value) ?? ""
        provider = try? container.decodeIfPresent(String.self, forKey: .provider)
    }
}

/// A table as the tables list or the table detail gives it.
public struct KeboolaTable: Sendable, Hashable, Decodable {
    /// `in.c-main.orders`.
    public var id: String
    /// `orders`.
    public var name: String
    /// The bucket's id, `in.c-main`.
    public var bucketID: String
    /// The bucket's name, `c-main`.
    public var bucketName: String?
    /// Column names in table order.
    public var columns: [String]
    /// Primary key columns (empty when none).
    public var primaryKey: [String]
    /// Rows, when known (aliases may say null).
    public var rowsCount: Int64?
    /// Bytes, when known.
    public var dataSizeBytes: Int64?
    /// When the data last changed, as Keboola wrote it (`2026-01-01T00:00:00+0100`).
    public var lastChangeDate: String?
    /// When data was last imported.
    public var lastImportDate: String?
    /// An alias of another table (its types come from the source table's metadata).
    public var isAlias: Bool
    /// A table with native types (its `definition` gives each column's base type).
    public var isTyped: Bool
    /// The table's own metadata.
    public var metadata: [KeboolaMetadata]
    /// Each column's metadata entries (an alias's come from its source table).
    public var columnMetadata: [String: [KeboolaMetadata]]
    /// For typed tables: each column's base type and native definition.
    public var definition: [String: ColumnDefinition]

    /// A typed table's column definition.
    public struct ColumnDefinition: Sendable, Hashable {
        /// `STRING`, `INTEGER`, …
        public var basetype: String?
        /// The backend type, `NUMBER`, `VARCHAR`, …
        public var type: String?
        /// `38,0`, `16777216`, …
        public var length: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, name, bucket, columns, primaryKey, rowsCount, dataSizeBytes, lastChangeDate, lastImportDate, isAlias
        case isTyped, metadata, columnMetadata, definition, sourceTable
    }
    enum BucketKeys: String, CodingKey { case id, name }
    enum SourceKeys: String, CodingKey { case columnMetadata }
    enum DefinitionKeys: String, CodingKey { case columns }
    enum DefinedColumnKeys: String, CodingKey { case name, definition, basetype }
    enum NativeKeys: String, CodingKey { case type, length }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = (try? container.decodeIfPresent(String.self, forKey: .name)) ?? String(id.split(separator: ".").last ?? "")
        if let bucket = try? container.nestedContainer(keyedBy: BucketKeys.self, forKey: .bucket) {
            bucketID = (try? bucket.decode(String.self, forKey: .id)) ?? Self.bucketID(of: id)
            bucketName = try? bucket.decodeIfPresent(String.self, forKey: .name)
        } else {
            bucketID = Self.bucketID(of: id)
        }
        columns = (try? container.decodeIfPresent([String].self, forKey: .columns)) ?? []
        primaryKey = (try? container.decodeIfPresent([String].self, forKey: .primaryKey)) ?? []
        rowsCount = try container.decodeLenientInt(forKey: .rowsCount)
        dataSizeBytes = try container.decodeLenientInt(forKey: .dataSizeBytes)
        lastChangeDate = try? container.decodeIfPresent(String.self, forKey: .lastChangeDate)
        lastImportDate = try? container.decodeIfPresent(String.self, forKey: .lastImportDate)
        isAlias = (try? container.decodeIfPresent(Bool.self, forKey: .isAlias)) ?? false
        isTyped = (try? container.decodeIfPresent(Bool.self, forKey: .isTyped)) ?? false
        metadata = (try? container.decodeIfPresent([KeboolaMetadata].self, forKey: .metadata)) ?? []
        // PHP writes an empty map as `[]`: that decodes as no metadata.
        var columnMetadata = (try? container.decodeIfPresent([String: [KeboolaMetadata]].self, forKey: .columnMetadata)) ?? [:]
        if columnMetadata.isEmpty, isAlias,
            let source = try? container.nestedContainer(keyedBy: SourceKeys.self, forKey: .sourceTable)
        {
            columnMetadata = (try? source.decodeIfPresent([String: [KeboolaMetadata]].self, forKey: .columnMetadata)) ?? [:]
        }
        self.columnMetadata = columnMetadata
        var definition: [String: ColumnDefinition] = [:]
        if let block = try? container.nestedContainer(keyedBy: DefinitionKeys.self, forKey: .definition),
            var list = try? block.nestedUnkeyedContainer(forKey: .columns)
        {
            while !list.isAtEnd {
                guard let column = try? list.nestedContainer(keyedBy: DefinedColumnKeys.self),
                    let name = try? column.decode(String.self, forKey: .name)
                else { break }
                let native = try? column.nestedContainer(keyedBy: NativeKeys.self, forKey: .definition)
                definition[name] = ColumnDefinition(
                    basetype: try? column.decodeIfPresent(String.self, forKey: .basetype),
                    type: try? native?.decodeIfPresent(String.self, forKey: .type),
                    length: try native?.decodeLenientString(forKey: .length))
            }
        }
        self.definition = definition
    }

    /// `in.c-main` of `in.c-main.orders`.
    static func bucketID(of tableID: String) -> String {
        let parts = tableID.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count > 1 ? parts.dropLast().joined(separator: ".") : ""
    }

    /// The newest value of a table metadata key (`KBC.description`).
    public func tableMetadata(_ key: String) -> String? {
        KeboolaColumnType.preferred(metadata.filter { $0.key == key })?.value
    }
}

/// A storage job (`GET /v2/storage/jobs/{id}`).
public struct KeboolaJob: Sendable, Hashable, Decodable {
    /// Job id.
    public var id: Int64
    /// `waiting`, `processing`, `success` or `error`.
    public var status: String
    /// The exported file's id, on success.
    public var fileID: Int64?
    /// When Keboola created the job (server clock).
    public var createdTime: String?
    /// When it started (server clock).
    public var startTime: String?
    /// Keboola's message for a failed job.
    public var errorMessage: String?

    /// Whether the job has ended.
    public var isFinished: Bool { status == "success" || status == "error" }

    enum CodingKeys: String, CodingKey { case id, status, results, createdTime, startTime, error }
    enum ResultKeys: String, CodingKey { case file }
    enum FileKeys: String, CodingKey { case id }
    enum ErrorKeys: String, CodingKey { case message, code }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try container.decodeLenientInt(forKey: .id) else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "job id missing")
        }
        self.id = id
        status = try container.decode(String.self, forKey: .status)
        if let results = try? container.nestedContainer(keyedBy: ResultKeys.self, forKey: .results),
            let file = try? results.nestedContainer(keyedBy: FileKeys.self, forKey: .file)
        {
            fileID = try file.decodeLenientInt(forKey: .id)
        }
        createdTime = try? container.decodeIfPresent(String.self, forKey: .createdTime)
        startTime = try? container.decodeIfPresent(String.self, forKey: .startTime)
        if let error = try? container.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error) {
            let message = try? error.decodeIfPresent(String.self, forKey: .message)
            let code = try? error.decodeIfPresent(String.self, forKey: .code)
            errorMessage = [message ?? nil, code.flatMap { $0 }.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        } else if let message = try? container.decodeIfPresent(String.self, forKey: .error) {
            errorMessage = message
        }
    }
}

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

/// Keboola's error envelope: `{"error": "…", "code": "storage.tokenInvalid", "status": "error"}`.
struct KeboolaErrorEnvelope: Decodable {
    var error: String?
    var code: String?
    var message: String?
    var reason: String?
    /// The Query Service's `{"exception","exceptionId","context"}`.
    var exception: String?

    enum CodingKeys: String, CodingKey { case error, code, message, reason, exception }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        error = try? container.decodeIfPresent(String.self, forKey: .error)
        code = try container.decodeLenientString(forKey: .code)
        message = try? container.decodeIfPresent(String.self, forKey: .message)
        reason = try? container.decodeIfPresent(String.self, forKey: .reason)
        exception = try? container.decodeIfPresent(String.self, forKey: .exception)
    }

    /// `Invalid access token (storage.tokenInvalid)`, or nil when the body says nothing.
    static func summary(of body: Data) -> String? {
        guard let envelope = try? JSONDecoder().decode(KeboolaErrorEnvelope.self, from: body) else { return nil }
        guard let text = envelope.error ?? envelope.exception ?? envelope.message ?? envelope.reason else { return nil }
        return envelope.code.map { "\(text) (\($0))" } ?? text
    }
}

extension KeyedDecodingContainer {
    /// A string that Keboola sometimes writes as a number.
    func decodeLenientString(forKey key: Key) throws -> String? {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return text }
        if let number = try? decodeIfPresent(Int64.self, forKey: key) { return String(number) }
        if let number = try? decodeIfPresent(Double.self, forKey: key) { return String(number) }
        return nil
    }

    /// A number that Keboola sometimes writes as a string.
    func decodeLenientInt(forKey key: Key) throws -> Int64? {
        if let number = try? decodeIfPresent(Int64.self, forKey: key) { return number }
        if let text = try? decodeIfPresent(String.self, forKey: key) { return Int64(text) }
        if let number = try? decodeIfPresent(Double.self, forKey: key) { return Int64(number) }
        return nil
    }
}
