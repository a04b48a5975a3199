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
