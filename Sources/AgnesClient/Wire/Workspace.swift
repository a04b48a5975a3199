import Foundation
import NIOCore
import NIOHTTP1

/// `GET /api/memory/bundle`: the corporate-memory items every analyst's agent follows.
public struct MemoryBundle: Decodable, Sendable {
    /// Items that are always included.
    public var mandatory: [MemoryItem]
    /// Approved items, ranked, within the token budget.
    public var approved: [MemoryItem]

    enum CodingKeys: String, CodingKey { case mandatory, approved }

    /// Creates a bundle.
    public init(mandatory: [MemoryItem], approved: [MemoryItem]) {
        self.mandatory = mandatory
        self.approved = approved
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mandatory = try container.decodeIfPresent([MemoryItem].self, forKey: .mandatory) ?? []
        approved = try container.decodeIfPresent([MemoryItem].self, forKey: .approved) ?? []
    }
}

/// One corporate-memory item.
public struct MemoryItem: Codable, Sendable, Hashable {
    /// The item id.
    public var id: String
    /// Its title.
    public var title: String
    /// Its text.
    public var content: String
    /// The domain (finance, engineering, …).
    public var domain: String?
    /// The category.
    public var category: String?

    /// Creates an item.
    public init(id: String, title: String, content: String, domain: String? = nil, category: String? = nil) {
        self.id = id
        self.title = title
        self.content = content
        self.domain = domain
        self.category = category
    }

    enum CodingKeys: String, CodingKey { case id, title, content, domain, category }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        title = try container.decodeIfPresent(String.self, forKey: .title) ?? ""
        content = try container.decodeIfPresent(String.self, forKey: .content) ?? ""
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
        category = try container.decodeIfPresent(String.self, forKey: .category)
    }
}

/// The answer of the upload routes.
public struct UploadReceipt: Decodable, Sendable {
    /// `ok`.
    public var status: String?
    /// The stored file name.
    public var filename: String?
    /// Bytes stored.
    public var size: Int64?
}

extension AgnesAPI {
    /// `GET /api/memory/bundle`.
    public func memoryBundle() async throws -> MemoryBundle {
        try await get("/api/memory/bundle")
    }

    /// `GET /api/welcome?server_url=`: the analyst's CLAUDE.md, rendered by the server.
    public func welcome(serverURL: String) async throws -> String {
        struct Welcome: Decodable { let content: String }
        return try await get("/api/welcome", query: [("server_url", serverURL)], as: Welcome.self).content
    }

    /// `POST /api/upload/sessions` (multipart `file`).
    public func uploadSession(filename: String, content: Data) async throws -> UploadReceipt {
        let request = multipartRequest("/api/upload/sessions", field: "file", filename: filename, content: content)
        return try await send(request, timeout: .seconds(300)).decode()
    }

    /// `POST /api/upload/local-md {content}`.
    public func uploadLocalNotes(_ content: String) async throws -> UploadReceipt {
        struct Body: Encodable { let content: String }
        return try await send(.POST, "/api/upload/local-md", json: Body(content: content))
    }
}
