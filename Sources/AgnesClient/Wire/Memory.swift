import Foundation
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

/// One corporate-memory item, as the memory routes send it (REFERENCE §1.12). Only `id` is required;
/// the bundle's items carry no vote counts, the list's do.
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
    /// Its tags.
    public var tags: [String]
    /// `approved`, `mandatory`, `pending`, …
    public var status: String?
    /// How sure the source was (0–1).
    public var confidence: Double?
    /// Where it came from (`user`, `claude_local_md`, …).
    public var sourceType: String?
    /// Up votes.
    public var upvotes: Int?
    /// Down votes.
    public var downvotes: Int?
    /// When it last changed, ISO 8601.
    public var updatedAt: String?

    /// Creates an item.
    public init(
        id: String, title: String, content: String, domain: String? = nil, category: String? = nil,
        tags: [String] = [], status: String? = nil, confidence: Double? = nil, sourceType: String? = nil,
        upvotes: Int? = nil, downvotes: Int? = nil, updatedAt: String? = nil
    ) {
        self.id = id
        self.title = title
        self.content = content
        self.domain = domain
        self.category = category
        self.tags = tags
        self.status = status
        self.confidence = confidence
        self.sourceType = sourceType
        self.upvotes = upvotes
        self.downvotes = downvotes
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, title, content, domain, category, tags, status, confidence, upvotes, downvotes
        case sourceType = "source_type"
        case updatedAt = "updated_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        title = try container.decodeIfPresent(String.self, forKey: .title) ?? ""
        content = try container.decodeIfPresent(String.self, forKey: .content) ?? ""
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        status = try container.decodeIfPresent(String.self, forKey: .status)
        confidence = try container.decodeIfPresent(Double.self, forKey: .confidence)
        sourceType = try container.decodeIfPresent(String.self, forKey: .sourceType)
        upvotes = try container.decodeIfPresent(Int.self, forKey: .upvotes)
        downvotes = try container.decodeIfPresent(Int.self, forKey: .downvotes)
        updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
    }
}

/// One page of `GET /api/memory`.
public struct MemoryPage: Decodable, Sendable {
    /// The items of this page.
    public var items: [MemoryItem]
    /// This page's number (1-based).
    public var page: Int
    /// Pages in all.
    public var totalPages: Int

    enum CodingKeys: String, CodingKey {
        case items, page
        case totalPages = "total_pages"
    }
}

/// `POST /api/memory`: a knowledge item to review.
public struct MemoryContribution: Encodable, Sendable {
    /// The title.
    public var title: String
    /// The text.
    public var content: String
    /// The category (`business_logic`, `workflow`, …).
    public var category: String
    /// The domain (`finance`, `engineering`, …), if any.
    public var domain: String?
    /// Tags.
    public var tags: [String]

    /// Creates a contribution.
    public init(title: String, content: String, category: String, domain: String? = nil, tags: [String] = []) {
        self.title = title
        self.content = content
        self.category = category
        self.domain = domain
        self.tags = tags
    }
}

/// The answer of `POST /api/memory`: `{id, status: "pending"}`.
public struct MemoryReceipt: Codable, Sendable, Equatable {
    /// The new item's id.
    public var id: String
    /// Its status (`pending`).
    public var status: String
}

/// A vote on a knowledge item: the `vote` of `POST /api/memory/{id}/vote`.
public enum MemoryVote: Int, Sendable, CaseIterable {
    case up = 1
    case down = -1
    case retract = 0
}

/// The answer of `POST /api/memory/{id}/vote`.
public struct MemoryTally: Codable, Sendable, Equatable {
    /// Up votes.
    public var upvotes: Int
    /// Down votes.
    public var downvotes: Int
}

extension AgnesAPI {
    /// `GET /api/memory/bundle`.
    public func memoryBundle() async throws -> MemoryBundle {
        try await get("/api/memory/bundle")
    }

    /// `GET /api/memory?status_filter=&page=&per_page=`: one page of the items the caller may see
    /// (personal items excluded).
    public func memoryItems(status: String, page: Int, perPage: Int) async throws -> MemoryPage {
        try await get(
            "/api/memory", query: [("status_filter", status), ("page", "\(page)"), ("per_page", "\(perPage)")])
    }

    /// Every item of `statuses` the caller may see, page by page, each id once (the list is ordered by
    /// `updated_at`, so an item changed between two pages can appear on both).
    public func allMemoryItems(statuses: [String], perPage: Int = 1000) async throws -> [MemoryItem] {
        var seen = Set<String>()
        var items: [MemoryItem] = []
        for status in statuses {
            var page = 1
            while true {
                let answer = try await memoryItems(status: status, page: page, perPage: perPage)
                for item in answer.items where seen.insert(item.id).inserted { items.append(item) }
                // A server that kept answering full pages would otherwise never end.
                guard !answer.items.isEmpty, page < answer.totalPages, page < 10_000 else { break }
                page += 1
            }
        }
        return items
    }

    /// `POST /api/memory`: contributes an item; it waits for an admin's review.
    public func contributeMemory(_ contribution: MemoryContribution) async throws -> MemoryReceipt {
        try await send(.POST, "/api/memory", json: contribution)
    }

    /// `POST /api/memory/{id}/vote`: votes (or retracts the vote) on an item the caller may see.
    public func voteMemory(id: String, _ vote: MemoryVote) async throws -> MemoryTally {
        struct Body: Encodable { let vote: Int }
        return try await send(.POST, "/api/memory/\(PathSegment.encode(id))/vote", json: Body(vote: vote.rawValue))
    }
}
