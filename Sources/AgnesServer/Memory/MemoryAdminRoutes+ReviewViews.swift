import AgnesCore
import Foundation

extension MemoryAdminRoutes {
    /// A `knowledge_contradictions` row with both items.
    struct ContradictionView: Encodable {
        let contradiction: KnowledgeContradiction
        let itemA: PairedItemView
        let itemB: PairedItemView

        enum CodingKeys: String, CodingKey {
            case id, explanation, severity, resolved, resolution
            case itemAID = "item_a_id"
            case itemBID = "item_b_id"
            case suggestedResolution = "suggested_resolution"
            case resolvedBy = "resolved_by"
            case resolvedAt = "resolved_at"
            case detectedAt = "detected_at"
            case itemA = "item_a"
            case itemB = "item_b"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(contradiction.id, forKey: .id)
            try container.encode(contradiction.itemAID, forKey: .itemAID)
            try container.encode(contradiction.itemBID, forKey: .itemBID)
            try container.encode(contradiction.explanation, forKey: .explanation)
            try container.encode(contradiction.severity, forKey: .severity)
            try container.encode(contradiction.suggestedResolution, forKey: .suggestedResolution)
            try container.encode(contradiction.isResolved, forKey: .resolved)
            try container.encode(contradiction.resolvedBy, forKey: .resolvedBy)
            try container.encode(contradiction.resolvedAt?.wireText, forKey: .resolvedAt)
            try container.encode(contradiction.resolution, forKey: .resolution)
            try container.encode(contradiction.detectedAt?.wireText, forKey: .detectedAt)
            try container.encode(itemA, forKey: .itemA)
            try container.encode(itemB, forKey: .itemB)
        }
    }

    struct ContradictionPage: Encodable {
        let contradictions: [ContradictionView]
        let count: Int
    }

    struct ResolvedContradiction: Encodable {
        let id: String
        var resolved = true
        let resolution: String
    }

    /// A `knowledge_item_relations` row with both items.
    struct RelationView: Encodable {
        let relation: KnowledgeRelation
        let itemA: PairedItemView
        let itemB: PairedItemView

        enum CodingKeys: String, CodingKey {
            case score, resolved, resolution
            case itemAID = "item_a_id"
            case itemBID = "item_b_id"
            case relationType = "relation_type"
            case resolvedBy = "resolved_by"
            case resolvedAt = "resolved_at"
            case createdAt = "created_at"
            case itemA = "item_a"
            case itemB = "item_b"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(relation.itemAID, forKey: .itemAID)
            try container.encode(relation.itemBID, forKey: .itemBID)
            try container.encode(relation.relationType, forKey: .relationType)
            try container.encode(relation.score, forKey: .score)
            try container.encode(relation.isResolved, forKey: .resolved)
            try container.encode(relation.resolvedBy, forKey: .resolvedBy)
            try container.encode(relation.resolvedAt?.wireText, forKey: .resolvedAt)
            try container.encode(relation.resolution, forKey: .resolution)
            try container.encode(relation.createdAt?.wireText, forKey: .createdAt)
            try container.encode(itemA, forKey: .itemA)
            try container.encode(itemB, forKey: .itemB)
        }
    }

    struct RelationPage: Encodable {
        let relations: [RelationView]
        let count: Int
    }

    struct ResolvedPair: Encodable {
        let itemAID: String
        let itemBID: String
        var resolved = true
        let resolution: String

        enum CodingKeys: String, CodingKey {
            case resolved, resolution
            case itemAID = "item_a_id"
            case itemBID = "item_b_id"
        }
    }
}
