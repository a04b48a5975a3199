import AgnesCore
import AgnesStore
import Crypto
import Foundation
import Logging

/// The verification detector (REFERENCE §6.3) over uploaded session transcripts
/// (`POST /api/upload/sessions` → `DATA_DIR/user_sessions/<user id>/<file>.jsonl`): each file is
/// processed once (its MD5 kept; a file whose content changed is processed again). One LLM call per
/// session finds where the user corrected the assistant, confirmed a domain fact, or defined a term
/// unprompted. An item already known (`kv_<sha256(title:content)[:12]>`) gets one more evidence row;
/// a new one is stored pending (category `business_logic`, source `user_verification`, confidence by
/// detection type), with its evidence (the user's quote), duplicate candidates (same domain, two or more
/// shared entities, Jaccard score, the best 20) and contradictions (one batched call judging the same domain's
/// items; ids the model invents are dropped).
public struct VerificationDetector: Sendable {
    /// What a run did (the original's stats).
    public struct Stats: LLMJobStats, Hashable, Codable {
        public var sessionsScanned = 0
        public var sessionsProcessed = 0
        public var sessionsSkipped = 0
        public var verificationsExtracted = 0
        public var itemsCreated = 0
        public var contradictionsRecorded = 0
        public var duplicateCandidatesRecorded = 0
        public var errors = 0
        public var usage = LLMUsage()

        public init() {}

        enum CodingKeys: String, CodingKey {
            case errors, usage
            case sessionsScanned = "sessions_scanned"
            case sessionsProcessed = "sessions_processed"
            case sessionsSkipped = "sessions_skipped"
            case verificationsExtracted = "verifications_extracted"
            case itemsCreated = "items_created"
            case contradictionsRecorded = "contradictions_recorded"
            case duplicateCandidatesRecorded = "duplicate_candidates_recorded"
        }

        public var description: String {
            "\(sessionsProcessed) of \(sessionsScanned) sessions processed (\(sessionsSkipped) skipped): \(verificationsExtracted) verifications, \(itemsCreated) new items, \(duplicateCandidatesRecorded) duplicate candidates, \(contradictionsRecorded) contradictions, \(errors) errors; \(usage.calls) LLM calls"
        }
    }

    static let domains = ["finance", "engineering", "product", "data", "operations", "infrastructure"]
    static let confidence = ["correction": 0.9, "unprompted_definition": 0.9, "confirmation": 0.6]

    let client: any LLMClient
    let items: any KnowledgeItemRepository
    let users: any UserRepository
    let evidence: any VerificationEvidenceRepository
    let extractions: any SessionExtractionRepository
    let relations: any KnowledgeRelationRepository
    let contradictions: any KnowledgeContradictionRepository
    let sessionsDirectory: URL
    let logger: Logger

    /// Creates the detector over `DATA_DIR` (`root`).
    public init(client: any LLMClient, store: SystemStore, root: URL, logger: Logger) {
        self.client = client
        self.items = DuckDBKnowledgeItemRepository(store: store)
        self.users = DuckDBUserRepository(store: store)
        self.evidence = DuckDBVerificationEvidenceRepository(store: store)
        self.extractions = DuckDBSessionExtractionRepository(store: store)
        self.relations = DuckDBKnowledgeRelationRepository(store: store)
        self.contradictions = DuckDBKnowledgeContradictionRepository(store: store)
        self.sessionsDirectory = root.appendingPathComponent("user_sessions")
        self.logger = logger
    }

    /// One run over every session not processed yet.
    public func run(now: Date = Date()) async throws -> Stats {
        var stats = Stats()
        let manager = FileManager.default
        let owners = (try? manager.contentsOfDirectory(atPath: sessionsDirectory.path)) ?? []
        for owner in owners.sorted() where !owner.hasPrefix(".") {
            let directory = sessionsDirectory.appendingPathComponent(owner)
            let files = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
            guard let user = try await users.find(id: owner) else { continue }
            for name in files.sorted() where name.hasSuffix(".jsonl") {
                stats.sessionsScanned += 1
                let key = "\(owner)/\(name)"
                guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)) else {
                    stats.errors += 1
                    continue
                }
                let md5 = Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
                if let done = try await extractions.find(sessionFile: key), done.fileHash == md5 {
                    stats.sessionsSkipped += 1
                    continue
                }
                do {
                    let created = try await process(
                        SessionTranscript(jsonl: data), user: user, stem: String(name.dropLast(6)), now: now,
                        stats: &stats)
                    try await extractions.markProcessed(
                        sessionFile: key, username: user.email, fileHash: md5, itemsExtracted: created, at: now)
                    stats.sessionsProcessed += 1
                } catch {
                    if let usage = (error as? LLMError)?.usage { stats.usage = stats.usage + usage }
                    stats.errors += 1
                    logger.warning(
                        "verification detector: a session failed", metadata: ["session": "\(key)", "error": "\(error)"])
                }
            }
        }
        return stats
    }

    struct Verification: Decodable, Sendable {
        let detectionType: String
        let title: String
        let content: String
        let userQuote: String
        let domain: String
        let entities: [String]

        enum CodingKeys: String, CodingKey {
            case title, content, domain, entities
            case detectionType = "detection_type"
            case userQuote = "user_quote"
        }
    }

    static let schema = LLMSchema.object(
        [
            "verifications": .array(
                .object(
                    [
                        "detection_type": .oneOf(["correction", "confirmation", "unprompted_definition"]),
                        "title": .string, "content": .string, "user_quote": .string, "domain": .oneOf(domains),
                        "entities": .array(.string),
                    ], required: ["detection_type", "title", "content", "user_quote", "domain", "entities"]))
        ], required: ["verifications"])

    static let instructions = """
        You read a conversation between an analyst (user) and an AI assistant and find knowledge the user \
        verified: a correction of something the assistant said (correction), an explicit confirmation of a \
        domain-specific fact (confirmation; not of general knowledge), or a definition the user gave without \
        being asked (unprompted_definition). For each: a title of at most 60 characters, the knowledge in at \
        most 500 characters, the user's own words as user_quote, the business domain, and the named entities \
        (tables, metrics, systems). Report nothing when there is nothing.
        """

    /// One session: returns the items it created.
    func process(_ transcript: SessionTranscript, user: User, stem: String, now: Date, stats: inout Stats) async throws
        -> Int
    {
        guard !transcript.turns.isEmpty else { return 0 }
        struct Answer: Decodable { let verifications: [Verification] }
        let answer = try await client.extractJSON(
            LLMRequest(
                system: Self.instructions + "\n\n" + UntrustedText.notice,
                prompt: UntrustedText.fence(transcript.rendered, label: "session transcript"), maxTokens: 4096,
                schema: Self.schema, schemaName: "verifications"))
        stats.usage = stats.usage + answer.usage
        let found = try answer.decode(Answer.self).verifications
        stats.verificationsExtracted += found.count
        var created = 0
        let reference = "session-\(stem)-\(user.email)"
        for verification in found {
            let title = String(verification.title.prefix(60))
            let content = String(verification.content.prefix(500))
            let id =
                "kv_"
                + SHA256.hash(data: Data("\(title):\(content)".utf8)).map { String(format: "%02x", $0) }.joined()
                .prefix(12)
            if try await items.find(id: id) == nil {
                let item = try await items.create(
                    KnowledgeItem(
                        id: id, title: title, content: content, category: "business_logic",
                        tags: verification.entities, status: .pending, contributors: [user.email],
                        sourceUser: user.email, audience: "all",
                        confidence: Self.confidence[verification.detectionType] ?? 0.5, domain: verification.domain,
                        entities: verification.entities, sourceType: "user_verification", sourceRef: reference,
                        createdAt: now, updatedAt: now))
                created += 1
                stats.itemsCreated += 1
                stats.duplicateCandidatesRecorded += try await recordDuplicates(of: item, now: now)
                stats.contradictionsRecorded += await detectContradictions(of: item, now: now, stats: &stats)
            }
            try await evidence.append(
                itemID: id, sourceUser: user.email, sourceRef: reference, detectionType: verification.detectionType,
                userQuote: verification.userQuote, at: now)
        }
        return created
    }

    /// The most duplicate candidates recorded for one new item, the highest scores kept: a reviewer
    /// needs the likeliest few, and a common pair of entities must not link every item to every other.
    static let duplicateLimit = 20

    /// Same domain, two or more shared entities: a `likely_duplicate` relation scored by Jaccard, for
    /// the ``duplicateLimit`` best-scored items, in one write.
    func recordDuplicates(of item: KnowledgeItem, now: Date) async throws -> Int {
        guard Set(item.entities.map { $0.lowercased() }).count >= 2, let domain = item.domain else { return 0 }
        let overlaps = try await items.entityOverlaps(
            domain: domain, excluding: item.id, entities: item.entities, minimumShared: 2, limit: Self.duplicateLimit)
        try await relations.upsert(
            itemID: item.id, others: overlaps.map { ($0.id, $0.jaccard) }, type: "likely_duplicate", at: now)
        return overlaps.count
    }

    struct Judgment: Decodable, Sendable {
        let candidateID: String
        let isContradiction: Bool
        let severity: String?
        let explanation: String?
        let resolutionAction: String?
        let resolutionMergedContent: String?
        let resolutionJustification: String?

        enum CodingKeys: String, CodingKey {
            case severity, explanation
            case candidateID = "candidate_id"
            case isContradiction = "is_contradiction"
            case resolutionAction = "resolution_action"
            case resolutionMergedContent = "resolution_merged_content"
            case resolutionJustification = "resolution_justification"
        }
    }

    static let judgmentSchema = LLMSchema.object(
        [
            "judgments": .array(
                .object(
                    [
                        "candidate_id": .string, "is_contradiction": .boolean,
                        "severity": .nullable(.oneOf(["hard", "soft"])), "explanation": .nullable(.string),
                        "resolution_action": .nullable(.oneOf(["kept_a", "kept_b", "merge", "both_valid"])),
                        "resolution_merged_content": .nullable(.string),
                        "resolution_justification": .nullable(.string),
                    ],
                    required: [
                        "candidate_id", "is_contradiction", "severity", "explanation", "resolution_action",
                        "resolution_merged_content", "resolution_justification",
                    ]))
        ], required: ["judgments"])

    /// One batched call judging the new item against up to 100 items of its domain (REFERENCE §6.2);
    /// no candidates, no call. Returns the contradictions recorded; a failed call records none.
    func detectContradictions(of item: KnowledgeItem, now: Date, stats: inout Stats) async -> Int {
        do {
            let candidates = try await items.list(
                matching: KnowledgeItemFilter(
                    statuses: [.approved, .mandatory, .pending], domain: item.domain, excludesPersonal: true, limit: 101
                )
            ).filter { $0.id != item.id }.prefix(100)
            guard !candidates.isEmpty else { return 0 }
            var prompt =
                "The new item (A):\n" + UntrustedText.fence("\(item.title)\n\(item.content ?? "")", label: "item A")
            prompt += "\n\nThe existing items (B), each with its id:\n"
            for candidate in candidates {
                prompt +=
                    UntrustedText.fence(
                        "id: \(candidate.id)\n\(candidate.title)\n\(candidate.content ?? "")", label: "item B")
                    + "\n"
            }
            let answer = try await client.extractJSON(
                LLMRequest(
                    system:
                        "Judge for each existing item B whether it contradicts the new item A (hard: both cannot be true; soft: they differ in emphasis or scope), and suggest a resolution. "
                        + UntrustedText.notice,
                    prompt: prompt, maxTokens: 4096, schema: Self.judgmentSchema, schemaName: "contradictions"))
            stats.usage = stats.usage + answer.usage
            struct Judgments: Decodable { let judgments: [Judgment] }
            let known = Set(candidates.map(\.id))
            var recorded = 0
            for judgment in try answer.decode(Judgments.self).judgments
            where judgment.isContradiction && known.contains(judgment.candidateID) {
                var resolution: [String: String] = [:]
                resolution["action"] = judgment.resolutionAction
                resolution["justification"] = judgment.resolutionJustification
                resolution["merged_content"] = judgment.resolutionMergedContent
                let suggested = try? JSONSerialization.data(withJSONObject: resolution, options: [.sortedKeys])
                _ = try await contradictions.create(
                    itemAID: item.id, itemBID: judgment.candidateID, explanation: judgment.explanation,
                    severity: judgment.severity,
                    suggestedResolution: suggested.map { String(decoding: $0, as: UTF8.self) },
                    at: now)
                recorded += 1
            }
            return recorded
        } catch {
            if let usage = (error as? LLMError)?.usage { stats.usage = stats.usage + usage }
            stats.errors += 1
            logger.warning("verification detector: contradiction check failed", metadata: ["error": "\(error)"])
            return 0
        }
    }
}
