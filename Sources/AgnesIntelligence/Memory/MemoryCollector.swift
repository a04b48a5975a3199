import AgnesCore
import AgnesStore
import Crypto
import Foundation
import Logging

/// The corporate-memory collector (REFERENCE §6.2), over the notes analysts upload
/// (`POST /api/upload/local-md` → `DATA_DIR/user_local_md/<sha256(email)[:24]>.md`), not over home
/// directories.
///
/// A run with no note changed since the last one (MD5 per file, kept in
/// `DATA_DIR/state/corporate_memory/note_hashes.json`) makes no LLM call. Otherwise one catalog-refresh
/// call gets every note and the current catalog (all as fenced, untrusted data) and answers the curated
/// catalog: items it kept carry their `existing_id` and keep their id and governance fields (status,
/// audience, personal flag); a new item (`km_<sha256(title+content)[:12]>`) passes a sensitivity check
/// (an LLM error counts as "not safe": dropped), gets 1–3 topic tags, confidence 0.50, and starts
/// approved or pending by `corporate_memory.approval_mode`. Ids the model invents for existing items and
/// users it invents as sources are not believed.
public struct MemoryCollector: Sendable {
    /// What a run did (the original's stats).
    public struct Stats: LLMJobStats, Hashable, Codable {
        public var usersScanned = 0
        public var filesFound = 0
        public var itemsExtracted = 0
        public var itemsFiltered = 0
        public var itemsPreserved = 0
        public var itemsNew = 0
        public var itemsPending = 0
        public var skipped = 0
        public var errors = 0
        public var usage = LLMUsage()

        /// Nothing done yet.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case skipped, errors, usage
            case usersScanned = "users_scanned"
            case filesFound = "files_found"
            case itemsExtracted = "items_extracted"
            case itemsFiltered = "items_filtered"
            case itemsPreserved = "items_preserved"
            case itemsNew = "items_new"
            case itemsPending = "items_pending"
        }

        public var description: String {
            "\(filesFound) notes of \(usersScanned) users: \(itemsExtracted) items (\(itemsNew) new, \(itemsPending) pending, \(itemsPreserved) kept, \(itemsFiltered) filtered), \(skipped) skipped, \(errors) errors; \(usage.calls) LLM calls, \(usage.inputTokens)+\(usage.outputTokens) tokens"
        }
    }

    static let categories = [
        "data_analysis", "api_integration", "debugging", "performance", "workflow", "infrastructure", "business_logic",
    ]
    static let topicVocabulary = [
        "data", "automation", "reports", "alerts", "metrics", "queries", "infrastructure", "processes", "integrations",
        "debugging", "performance", "access",
    ]

    let client: any LLMClient
    let items: any KnowledgeItemRepository
    let users: any UserRepository
    let notesDirectory: URL
    let stateFile: URL
    let settings: CorporateMemorySettings
    let logger: Logger

    /// Creates the collector over `DATA_DIR` (`root`).
    public init(
        client: any LLMClient, store: SystemStore, root: URL, settings: CorporateMemorySettings, logger: Logger
    ) {
        self.client = client
        self.items = DuckDBKnowledgeItemRepository(store: store)
        self.users = DuckDBUserRepository(store: store)
        self.notesDirectory = root.appendingPathComponent("user_local_md")
        self.stateFile = root.appendingPathComponent("state/corporate_memory/note_hashes.json")
        self.settings = settings
        self.logger = logger
    }

    /// One run.
    public func run(now: Date = Date()) async throws -> Stats {
        var stats = Stats()
        let notes = try await readNotes()
        stats.filesFound = notes.count
        stats.usersScanned = Set(notes.map(\.user)).count
        let previous = Self.loadHashes(stateFile)
        let hashes = Dictionary(notes.map { ($0.file, $0.md5) }) { a, _ in a }
        guard hashes != previous else {
            stats.skipped = 1
            return stats
        }
        let existing = try await items.list(
            matching: KnowledgeItemFilter(sourceType: "claude_local_md", excludesPersonal: false))
        let catalog = try await refresh(notes: notes, existing: existing, stats: &stats)
        let known = Dictionary(existing.map { ($0.id, $0) }) { a, _ in a }
        let authors = Set(notes.map(\.user))
        for entry in catalog {
            let sources = entry.sourceUsers.filter(authors.contains)
            if let id = entry.existingID, let current = known[id] {
                var changes = KnowledgeItemChanges()
                changes.title = String(entry.title.prefix(60))
                changes.content = .some(String(entry.content.prefix(1000)))
                changes.category = .some(entry.category)
                changes.tags = entry.tags
                changes.contributors = Array(Set(current.contributors).union(sources)).sorted()
                _ = try await items.update(id: id, with: changes, at: now)
                stats.itemsPreserved += 1
                continue
            }
            let id = "km_" + Self.hex(SHA256.hash(data: Data((entry.title + entry.content).utf8))).prefix(12)
            let stored = try await items.find(id: id)
            if known[id] != nil || stored != nil {
                stats.itemsPreserved += 1
                continue
            }
            guard await isSafe(entry, stats: &stats) else {
                stats.itemsFiltered += 1
                continue
            }
            let topics = await topicTags(entry, stats: &stats)
            let status: KnowledgeStatus = settings.publishesAtOnce ? .approved : .pending
            _ = try await items.create(
                KnowledgeItem(
                    id: id, title: String(entry.title.prefix(60)), content: String(entry.content.prefix(1000)),
                    category: entry.category, tags: Self.unique(topics + entry.tags),
                    status: status, contributors: sources.sorted(), sourceUser: sources.sorted().first, audience: "all",
                    confidence: 0.5, sourceType: "claude_local_md", sourceRef: "user_local_md", createdAt: now,
                    updatedAt: now))
            stats.itemsNew += 1
            if status == .pending { stats.itemsPending += 1 }
        }
        try Self.saveHashes(hashes, to: stateFile)
        return stats
    }

    // MARK: - Notes

    struct Note: Sendable {
        var file: String
        var user: String
        var text: String
        var md5: String
    }

    /// The uploaded notes with their authors (a file whose name matches no user is skipped).
    func readNotes() async throws -> [Note] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: notesDirectory.path)) ?? []
        guard !names.isEmpty else { return [] }
        var byHash: [String: String] = [:]
        for user in try await users.list() {
            let hash = Self.hex(SHA256.hash(data: Data(user.email.lowercased().utf8))).prefix(24)
            byHash[String(hash)] = user.email
            byHash[String(Self.hex(SHA256.hash(data: Data(user.email.utf8))).prefix(24))] = user.email
        }
        var notes: [Note] = []
        for name in names.sorted() where name.hasSuffix(".md") {
            guard let user = byHash[String(name.dropLast(3))],
                let data = try? Data(contentsOf: notesDirectory.appendingPathComponent(name))
            else { continue }
            notes.append(
                Note(
                    file: name, user: user, text: String(decoding: data, as: UTF8.self),
                    md5: Self.hex(Insecure.MD5.hash(data: data))))
        }
        return notes
    }

    // MARK: - LLM calls

    struct CatalogEntry: Decodable, Sendable {
        let existingID: String?
        let title: String
        let content: String
        let category: String
        let tags: [String]
        let sourceUsers: [String]

        enum CodingKeys: String, CodingKey {
            case title, content, category, tags
            case existingID = "existing_id"
            case sourceUsers = "source_users"
        }
    }

    static let catalogSchema = LLMSchema.object(
        [
            "items": .array(
                .object(
                    [
                        "existing_id": .nullable(.string), "title": .string, "content": .string,
                        "category": .oneOf(categories), "tags": .array(.string), "source_users": .array(.string),
                    ], required: ["existing_id", "title", "content", "category", "tags", "source_users"]))
        ], required: ["items"])

    static let catalogInstructions = """
        You curate a team's shared knowledge catalog from notes analysts wrote for their AI assistant.
        Keep knowledge that helps colleagues analyse the company's data: definitions, business rules, data \
        quirks, workflows, integration details. Preserve the ids of existing catalog items you keep \
        (existing_id), merge duplicates, keep existing items even when no note mentions them any more, and \
        list every user whose notes support an item (source_users, as the notes' labels name them). Exclude \
        credentials and secrets, personal preferences, file paths, trivia, unclear notes, and anything \
        negative about a person. Titles at most 60 characters, content at most 1000, 2 to 4 tags, category \
        one of: \(categories.joined(separator: ", ")).
        """

    func refresh(notes: [Note], existing: [KnowledgeItem], stats: inout Stats) async throws -> [CatalogEntry] {
        var prompt = "The current catalog:\n"
        for item in existing {
            let line =
                "id: \(item.id)\ntitle: \(item.title)\ncategory: \(item.category ?? "")\ntags: \(item.tags.joined(separator: ", "))\ncontent: \(item.content ?? "")"
            prompt += UntrustedText.fence(line, label: "catalog item") + "\n"
        }
        prompt += "\nThe notes:\n"
        for note in notes { prompt += UntrustedText.fence(note.text, label: note.user) + "\n" }
        struct Answer: Decodable { let items: [CatalogEntry] }
        let answer = try await client.extractJSON(
            LLMRequest(
                system: Self.catalogInstructions + "\n\n" + UntrustedText.notice, prompt: prompt, maxTokens: 8192,
                schema: Self.catalogSchema, schemaName: "knowledge_catalog"))
        stats.usage = stats.usage + answer.usage
        let items = try answer.decode(Answer.self).items
        stats.itemsExtracted = items.count
        return items
    }

    /// The sensitivity check: any failure counts as "not safe".
    func isSafe(_ entry: CatalogEntry, stats: inout Stats) async -> Bool {
        struct Verdict: Decodable { let safe: Bool }
        do {
            let answer = try await client.extractJSON(
                LLMRequest(
                    system:
                        "Decide whether a knowledge item is safe to share with every analyst of the company: it must not contain credentials, secrets, personal data about individuals, or negative statements about people. "
                        + UntrustedText.notice,
                    prompt: UntrustedText.fence("\(entry.title)\n\n\(entry.content)", label: "knowledge item"),
                    maxTokens: 256,
                    schema: .object(["safe": .boolean, "reason": .string], required: ["safe", "reason"]),
                    schemaName: "sensitivity"))
            stats.usage = stats.usage + answer.usage
            return try answer.decode(Verdict.self).safe
        } catch {
            if let usage = (error as? LLMError)?.usage { stats.usage = stats.usage + usage }
            stats.errors += 1
            logger.warning(
                "corporate memory: sensitivity check failed; dropping the item", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// 1–3 topic tags from the fixed vocabulary for an item (REFERENCE §6.2), with the call's usage.
    public static func topicTags(title: String, content: String, client: any LLMClient) async throws -> (
        [String], LLMUsage
    ) {
        struct Tags: Decodable { let tags: [String] }
        let answer = try await client.extractJSON(
            LLMRequest(
                system: "Tag a knowledge item with 1 to 3 topics from the vocabulary. " + UntrustedText.notice,
                prompt: UntrustedText.fence("\(title)\n\n\(content)", label: "knowledge item"),
                maxTokens: 128, schema: .object(["tags": .array(.oneOf(topicVocabulary))], required: ["tags"]),
                schemaName: "topic_tags"))
        return (Array(try answer.decode(Tags.self).tags.prefix(3)), answer.usage)
    }

    /// 1–3 topic tags from the fixed vocabulary; none when the call fails.
    func topicTags(_ entry: CatalogEntry, stats: inout Stats) async -> [String] {
        do {
            let (tags, usage) = try await Self.topicTags(title: entry.title, content: entry.content, client: client)
            stats.usage = stats.usage + usage
            return tags
        } catch {
            if let usage = (error as? LLMError)?.usage { stats.usage = stats.usage + usage }
            return []
        }
    }

    // MARK: - State

    static func loadHashes(_ file: URL) -> [String: String] {
        (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode([String: String].self, from: $0) } ?? [:]
    }

    static func saveHashes(_ hashes: [String: String], to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(hashes).write(to: file, options: .atomic)
    }

    /// `values` without repeats, in order.
    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}
