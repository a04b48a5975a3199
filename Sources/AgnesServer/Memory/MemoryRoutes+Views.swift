import AgnesCore
import Foundation

extension MemoryRoutes {
    /// `{items, count}`.
    struct ItemPage: Encodable {
        let items: [KnowledgeItemView]
        let count: Int
    }

    /// `GET /api/memory`.
    struct ListPage: Encodable {
        let items: [KnowledgeItemView]
        let count: Int
        let page: Int
        let perPage: Int
        let totalCount: Int
        let totalPages: Int

        enum CodingKeys: String, CodingKey {
            case items, count, page
            case perPage = "per_page"
            case totalCount = "total_count"
            case totalPages = "total_pages"
        }
    }

    /// `GET /api/memory/stats`.
    struct StatsView: Encodable {
        let total: Int
        let byStatus: [String: Int]
        let categories: [String]
        let byDomain: [String: Int]
        let bySourceType: [String: Int]
        let byTag: [String: Int]
        let byAudience: [String: Int]

        enum CodingKeys: String, CodingKey {
            case total, categories
            case byStatus = "by_status"
            case byDomain = "by_domain"
            case bySourceType = "by_source_type"
            case byTag = "by_tag"
            case byAudience = "by_audience"
        }
    }

    /// `POST /api/memory/{id}/personal`.
    struct PersonalFlag: Encodable {
        let id: String
        let isPersonal: Bool

        enum CodingKeys: String, CodingKey {
            case id
            case isPersonal = "is_personal"
        }
    }

    /// `GET /api/memory/{id}/provenance`: where an item came from.
    struct Provenance: Encodable {
        let item: KnowledgeItem

        enum CodingKeys: String, CodingKey {
            case id, confidence, domain, entities, supersedes
            case sourceType = "source_type"
            case sourceRef = "source_ref"
            case sourceUser = "source_user"
            case validFrom = "valid_from"
            case validUntil = "valid_until"
            case createdAt = "created_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(item.id, forKey: .id)
            try container.encode(item.sourceType, forKey: .sourceType)
            try container.encode(item.sourceRef, forKey: .sourceRef)
            try container.encode(item.sourceUser, forKey: .sourceUser)
            try container.encode(item.confidence, forKey: .confidence)
            try container.encode(item.domain, forKey: .domain)
            try container.encode(item.entities, forKey: .entities)
            try container.encode(item.validFrom?.wireText, forKey: .validFrom)
            try container.encode(item.validUntil?.wireText, forKey: .validUntil)
            try container.encode(item.supersedes, forKey: .supersedes)
            try container.encode(item.createdAt?.wireText, forKey: .createdAt)
        }
    }

    /// `GET /api/memory/bundle`.
    struct Bundle: Encodable {
        let mandatory: [KnowledgeItemView]
        let approved: [KnowledgeItemView]
        let tokenEstimate: Int
        let tokenBudget: Int

        enum CodingKeys: String, CodingKey {
            case mandatory, approved
            case tokenEstimate = "token_estimate"
            case tokenBudget = "token_budget"
        }
    }
}
