import AgnesCLI
import AgnesClient
import Testing

/// The offline ranking of `agnes memory search`, without a server or a database.
@Suite struct KnowledgeSearchTests {
    static func item(
        _ id: String, _ title: String, _ content: String, tags: [String] = [], status: String = "approved",
        up: Int = 0, down: Int = 0, updated: String = "2025-01-01T00:00:00Z"
    ) -> MemoryItem {
        MemoryItem(
            id: id, title: title, content: content, tags: tags, status: status, upvotes: up, downvotes: down,
            updatedAt: updated)
    }

    @Test(arguments: [
        ("Revenue is net of VAT!", ["revenue", "is", "net", "of", "vat"]),
        ("Čtvrtletní  TRŽBY—Praha", ["ctvrtletni", "trzby", "praha"]),
        ("orders, classes & status", ["order", "class", "status"]),
        ("companies boxes matches analysis is", ["company", "box", "match", "analysis", "is"]),
        ("a/b_c 2025-01", ["a", "b", "c", "2025", "01"]),
        ("  ...  ", []),
    ])
    func tokensAreLowercasedFoldedSplitAndSingular(text: String, expected: [String]) {
        #expect(KnowledgeSearch.tokens(text) == expected)
    }

    @Test func aTitleMatchOutranksAContentOnlyMatch() {
        let items = [
            Self.item("content", "Orders ship from Prague", "Revenue is booked when an order ships."),
            Self.item("title", "Revenue is net of VAT", "Always report it without the tax."),
            Self.item("other", "Churn window", "Ninety days without an order."),
        ]
        let hits = KnowledgeSearch().rank(items, query: "revenue", limit: 10)
        #expect(hits.map(\.item.id) == ["title", "content"])
        #expect(hits[0].score > hits[1].score)
    }

    @Test func tagsWeighAsMuchAsTheTitle() {
        let items = [
            Self.item("tagged", "Booking rule", "Applies to every invoice.", tags: ["revenue"]),
            Self.item("content", "Booking rule", "Applies to every revenue."),
        ]
        #expect(KnowledgeSearch().rank(items, query: "revenue", limit: 10).map(\.item.id) == ["tagged", "content"])
    }

    @Test func rareWordsCountMoreThanCommonOnes() {
        // "order" is in every item, "refund" in one: the item with the rare word wins.
        let items = [
            Self.item("a", "Order status", "Every order has a status."),
            Self.item("b", "Order refund", "A refunded order keeps its id."),
            Self.item("c", "Order source", "Orders come from the shop."),
        ]
        #expect(KnowledgeSearch().rank(items, query: "order refunds", limit: 10).first?.item.id == "b")
    }

    @Test func anAbsentWordFindsNothingAndTheLimitCuts() {
        let items = (0..<5).map { Self.item("i\($0)", "Revenue \($0)", "text") }
        #expect(KnowledgeSearch().rank(items, query: "zebra", limit: 10).isEmpty)
        #expect(KnowledgeSearch().rank(items, query: "revenue", limit: 2).count == 2)
        #expect(KnowledgeSearch().rank([], query: "revenue", limit: 2).isEmpty)
        #expect(KnowledgeSearch().rank(items, query: "!!", limit: 2).isEmpty)
    }

    @Test func tiesGoToMandatoryThenVotesThenNewerThenId() {
        // Same words, so the same score: the order comes from the tie-breaks alone, whatever the input order.
        let items = [
            Self.item("e", "Net revenue", "x", updated: "2025-01-01T00:00:00Z"),
            Self.item("d", "Net revenue", "x", updated: "2025-01-01T00:00:00Z"),
            Self.item("c", "Net revenue", "x", updated: "2025-06-01T00:00:00Z"),
            Self.item("b", "Net revenue", "x", up: 2, down: 1),
            Self.item("a", "Net revenue", "x", status: "mandatory"),
        ]
        for order in [items, items.reversed()] {
            let hits = KnowledgeSearch().rank(order, query: "revenue", limit: 10)
            #expect(Set(hits.map(\.score)).count == 1)
            #expect(hits.map(\.item.id) == ["a", "b", "c", "d", "e"])
        }
    }

    @Test func repeatingAWordHasDiminishingReturns() {
        let once = Self.item("once", "Revenue", "one two three four")
        let many = Self.item("many", "Revenue revenue revenue revenue", "")
        let filler = Self.item("filler", "Other", "five six")
        let hits = KnowledgeSearch().rank([once, many, filler], query: "revenue", limit: 10)
        let scores = Dictionary(uniqueKeysWithValues: hits.map { ($0.item.id, $0.score) })
        let ratio = scores["many"]! / scores["once"]!
        #expect(ratio > 1 && ratio < 4)
    }
}
