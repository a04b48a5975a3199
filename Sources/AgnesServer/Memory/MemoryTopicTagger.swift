/// Suggests topic tags for a new knowledge item from its title and content; the server merges them in
/// front of the caller's tags (REFERENCE §1.12: best-effort LLM topic tags). A thrown error is ignored:
/// tagging never blocks creating an item. Set ``AgnesServices/topicTagger`` to install one; none is
/// installed by default.
///
/// ```swift
/// services.topicTagger = { title, content in try await llm.topics(title: title, content: content) }
/// ```
public typealias MemoryTopicTagger = @Sendable (_ title: String, _ content: String) async throws -> [String]
