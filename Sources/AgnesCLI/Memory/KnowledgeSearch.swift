import AgnesClient
import Foundation

/// Ranks knowledge items for a query, offline (`agnes memory search`): BM25 with two weighted
/// fields (BM25F). A word of the query found in an item's title or tags counts `titleWeight` times
/// as much as one in its content; rare words count more than common ones (IDF); long items are not
/// favoured for being long (length normalisation with `b`); repeating a word has diminishing
/// returns (`k1`).
///
/// Words are lower-cased, stripped of accents and split at anything that is not a letter or a digit;
/// English plurals become singular, roughly (`orders` finds `order`, `companies` finds `company`). Items without any query word are left
/// out. Equal scores are ordered mandatory first, then by net votes, newer first, then by id, so
/// the order never depends on how the items were read.
///
/// ```swift
/// let hits = KnowledgeSearch().rank(items, query: "revenue VAT", limit: 10)
/// ```
public struct KnowledgeSearch: Sendable {
    /// One found item and its score.
    public struct Hit: Sendable, Encodable {
        /// The item.
        public var item: MemoryItem
        /// Its BM25 score (higher is better).
        public var score: Double

        enum CodingKeys: String, CodingKey { case score }

        public func encode(to encoder: any Encoder) throws {
            try item.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode((score * 1000).rounded() / 1000, forKey: .score)
        }
    }

    /// How much a word in the title or tags counts, relative to one in the content.
    public var titleWeight = 3.0
    /// Term-frequency saturation.
    public var k1 = 1.2
    /// Length normalisation (0: none, 1: full).
    public var b = 0.75

    /// The standard parameters.
    public init() {}

    /// The items matching `query`, best first, at most `limit`.
    public func rank(_ items: [MemoryItem], query: String, limit: Int) -> [Hit] {
        let terms = Array(Set(Self.tokens(query)))
        guard !terms.isEmpty, !items.isEmpty, limit > 0 else { return [] }
        let documents = items.map { Document($0, titleWeight: titleWeight) }
        let averageLength = max(documents.reduce(0) { $0 + $1.length } / Double(documents.count), 1)
        let count = Double(documents.count)
        var idf: [String: Double] = [:]
        for term in terms {
            let frequency = Double(documents.filter { $0.frequencies[term] != nil }.count)
            idf[term] = log(1 + (count - frequency + 0.5) / (frequency + 0.5))
        }
        var hits: [Hit] = []
        for document in documents {
            var score = 0.0
            for term in terms {
                guard let frequency = document.frequencies[term] else { continue }
                let norm = k1 * (1 - b + b * document.length / averageLength)
                score += idf[term]! * frequency * (k1 + 1) / (frequency + norm)
            }
            if score > 0 { hits.append(Hit(item: document.item, score: score)) }
        }
        return Array(hits.sorted(by: Self.precedes).prefix(limit))
    }

    /// The words of `text`, normalised as the ranking compares them.
    public static func tokens(_ text: String) -> [String] {
        let folded = text.lowercased().folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(stem(String(current)))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(stem(String(current))) }
        return words
    }

    /// Reduces an English plural to its singular, roughly: `orders` → `order`, `classes` → `class`,
    /// `companies` → `company`; `class`, `status`, `analysis` and short words stay as they are.
    static func stem(_ word: String) -> String {
        guard word.count > 3, word.hasSuffix("s") else { return word }
        if word.count > 4, word.hasSuffix("ies") { return word.dropLast(3) + "y" }
        if ["sses", "xes", "ches", "shes"].contains(where: word.hasSuffix) { return String(word.dropLast(2)) }
        if ["ss", "us", "is"].contains(where: word.hasSuffix) { return word }
        return String(word.dropLast())
    }

    /// Higher score first; on a tie mandatory first, more net votes, newer, then the id.
    static func precedes(_ left: Hit, _ right: Hit) -> Bool {
        if left.score != right.score { return left.score > right.score }
        let (a, b) = (left.item, right.item)
        let (aMandatory, bMandatory) = (a.status == "mandatory", b.status == "mandatory")
        if aMandatory != bMandatory { return aMandatory }
        let (aVotes, bVotes) = ((a.upvotes ?? 0) - (a.downvotes ?? 0), (b.upvotes ?? 0) - (b.downvotes ?? 0))
        if aVotes != bVotes { return aVotes > bVotes }
        if a.updatedAt != b.updatedAt { return (a.updatedAt ?? "") > (b.updatedAt ?? "") }
        return a.id < b.id
    }

    /// An item's weighted word counts and length.
    struct Document {
        let item: MemoryItem
        var frequencies: [String: Double] = [:]
        var length = 0.0

        init(_ item: MemoryItem, titleWeight: Double) {
            self.item = item
            let fields: [(String, Double)] = [
                (item.title, titleWeight), (item.tags.joined(separator: " "), titleWeight), (item.content, 1),
            ]
            for (text, weight) in fields {
                for word in KnowledgeSearch.tokens(text) {
                    frequencies[word, default: 0] += weight
                    length += weight
                }
            }
        }
    }
}
