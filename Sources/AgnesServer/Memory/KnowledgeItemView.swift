import AgnesCore
import Foundation

/// A knowledge item on the wire: every `knowledge_items` column under its column name (REFERENCE §3),
/// lists always lists, times ISO 8601 in UTC; with a tally, also `upvotes`, `downvotes` and `score`.
struct KnowledgeItemView: Encodable {
    let item: KnowledgeItem
    var tally: VoteTally? = nil

    enum CodingKeys: String, CodingKey {
        case id, title, content, category, tags, status, contributors, audience, confidence, domain, entities
        case supersedes, sensitivity, upvotes, downvotes, score
        case sourceUser = "source_user"
        case sourceType = "source_type"
        case sourceRef = "source_ref"
        case validFrom = "valid_from"
        case validUntil = "valid_until"
        case isPersonal = "is_personal"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(item.id, forKey: .id)
        try container.encode(item.title, forKey: .title)
        try container.encode(item.content, forKey: .content)
        try container.encode(item.category, forKey: .category)
        try container.encode(item.tags, forKey: .tags)
        try container.encode(item.status.rawValue, forKey: .status)
        try container.encode(item.contributors, forKey: .contributors)
        try container.encode(item.sourceUser, forKey: .sourceUser)
        try container.encode(item.audience, forKey: .audience)
        try container.encode(item.confidence, forKey: .confidence)
        try container.encode(item.domain, forKey: .domain)
        try container.encode(item.entities, forKey: .entities)
        try container.encode(item.sourceType, forKey: .sourceType)
        try container.encode(item.sourceRef, forKey: .sourceRef)
        try container.encode(item.validFrom?.wireText, forKey: .validFrom)
        try container.encode(item.validUntil?.wireText, forKey: .validUntil)
        try container.encode(item.supersedes, forKey: .supersedes)
        try container.encode(item.sensitivity, forKey: .sensitivity)
        try container.encode(item.isPersonal, forKey: .isPersonal)
        try container.encode(item.createdAt?.wireText, forKey: .createdAt)
        try container.encode(item.updatedAt?.wireText, forKey: .updatedAt)
        if let tally {
            try container.encode(tally.upvotes, forKey: .upvotes)
            try container.encode(tally.downvotes, forKey: .downvotes)
            try container.encode(tally.score, forKey: .score)
        }
    }
}

/// One side of a contradiction or duplicate pair in the admin listings: the item, `{id, hidden: true}`
/// for a personal item while personal content is excluded, or null when the item is gone.
enum PairedItemView: Encodable {
    case item(KnowledgeItem)
    case hidden(id: String)
    case missing

    init(_ item: KnowledgeItem?, hidesPersonal: Bool) {
        guard let item else {
            self = .missing
            return
        }
        self = hidesPersonal && item.isPersonal ? .hidden(id: item.id) : .item(item)
    }

    enum CodingKeys: String, CodingKey { case id, hidden }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .item(let item): try KnowledgeItemView(item: item).encode(to: encoder)
        case .hidden(let id):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(true, forKey: .hidden)
        case .missing:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }
}
