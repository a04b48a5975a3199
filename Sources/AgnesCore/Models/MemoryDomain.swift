/// The fixed corporate-memory domains (`knowledge_items.domain`, REFERENCE §1.12); each can be granted
/// to groups as a `memory_domain` resource.
public enum MemoryDomain: String, Sendable, Hashable, Codable, CaseIterable {
    case finance
    case engineering
    case product
    case data
    case operations
    case infrastructure
}
