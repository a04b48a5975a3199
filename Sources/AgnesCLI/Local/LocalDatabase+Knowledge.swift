import AgnesClient
import DuckDB
import Foundation

/// The corporate-knowledge table: `knowledge` in the workspace database, the approved and mandatory
/// items the analyst may see, replaced as a whole by every `agnes pull` and searched offline by
/// `agnes memory search`.
///
/// The table is recognised as agnes's by its comment (``knowledgeMarker``), never by its name alone:
/// a relation named `knowledge` that is not ours — the analyst's table or view, a snapshot, a pulled
/// table — keeps the name and the knowledge is not stored (the pull says so), as pulled views give
/// way to the analyst's tables.
extension LocalDatabase {
    /// The table's name.
    public static let knowledgeTable = "knowledge"

    /// The comment that marks the table as agnes's.
    static let knowledgeMarker = "agnes: corporate knowledge you may see; replaced by every agnes pull"

    /// What storing the knowledge did.
    public enum KnowledgeWrite: Sendable, Equatable {
        /// The table now holds this many items.
        case written(Int)
        /// `knowledge` names something else (of this kind), which was left alone; nothing was written.
        case nameTaken(RelationKind)
    }

    /// Replaces the knowledge table's content with `items` in one transaction: a reader sees the old
    /// items or the new ones, never a mix, and an item absent from `items` is gone.
    public func replaceKnowledge(_ items: [MemoryItem]) async throws -> KnowledgeWrite {
        let workspace = workspace
        return try await offloaded("agnes.local-db") {
            try AtomicFile.createDirectory(workspace.databaseDirectory)
            let connection = try Self.open(workspace, readOnly: false)
            let table = Self.quoted(Self.knowledgeTable)
            return try connection.transaction {
                let kind = try Self.kind(of: Self.knowledgeTable, in: connection, workspace: workspace)
                guard kind == .none || kind == .knowledge else { return .nameTaken(kind) }
                try connection.execute(
                    """
                    CREATE OR REPLACE TABLE \(table) (
                        id VARCHAR, title VARCHAR, content VARCHAR, category VARCHAR, domain VARCHAR,
                        tags VARCHAR[], status VARCHAR, confidence DOUBLE, source_type VARCHAR,
                        upvotes BIGINT, downvotes BIGINT, updated_at TIMESTAMP
                    )
                    """)
                try connection.execute("COMMENT ON TABLE \(table) IS \(Self.literal(Self.knowledgeMarker))")
                let insert = try connection.prepare(
                    "INSERT INTO \(table) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                for item in items {
                    _ = try insert.run([
                        .varchar(item.id), .varchar(item.title), .varchar(item.content), .optional(item.category),
                        .optional(item.domain), .list(item.tags.map { .varchar($0) }), .optional(item.status),
                        .optional(item.confidence), .optional(item.sourceType), .optional(item.upvotes),
                        .optional(item.downvotes), .optional(item.updatedAt.flatMap(WireTime.date)),
                    ])
                }
                return .written(items.count)
            }
        }
    }

    /// Every item of the knowledge table. Throws `not_configured` with what to do when there is no
    /// database, no knowledge table, or a `knowledge` that is not agnes's.
    public func knowledge() async throws -> [MemoryItem] {
        let workspace = workspace
        return try await offloaded("agnes.local-db") {
            let connection = try Self.open(workspace, readOnly: true)
            switch try Self.kind(of: Self.knowledgeTable, in: connection, workspace: workspace) {
            case .knowledge: break
            case .none:
                throw ClientError(
                    .notConfigured, "no corporate knowledge in the local database \(workspace.database.path)",
                    hint: "run agnes pull (in \(workspace.root.path)) to fetch it")
            default:
                throw ClientError(
                    .notConfigured,
                    "the local database's \(Self.knowledgeTable) is not agnes's corporate knowledge (it is yours or a pulled table)",
                    hint: "rename yours (ALTER TABLE knowledge RENAME TO …), then run agnes pull")
            }
            let result = try connection.query(
                """
                SELECT id, title, content, category, domain, tags, status, confidence, source_type, upvotes,
                    downvotes, updated_at
                FROM \(Self.quoted(Self.knowledgeTable)) ORDER BY id
                """)
            return result.rows.map { row in
                MemoryItem(
                    id: row[0].string ?? "", title: row[1].string ?? "", content: row[2].string ?? "",
                    domain: row[4].string, category: row[3].string,
                    tags: (row[5].elements ?? []).compactMap(\.string), status: row[6].string,
                    confidence: row[7].double, sourceType: row[8].string, upvotes: row[9].int,
                    downvotes: row[10].int, updatedAt: row[11].date.map(WireTime.text))
            }
        }
    }
}

/// The memory routes' ISO 8601 times (`2025-01-31T09:30:00Z`; the original server sent them without a
/// zone, meaning UTC, and with microseconds).
enum WireTime {
    /// The instant `text` names, nil when it names none.
    static func date(_ text: String) -> Date? {
        let zoned = text.hasSuffix("Z") || text.range(of: #"[+-]\d\d:?\d\d$"#, options: .regularExpression) != nil
        let full = zoned ? text : text + "Z"
        if let date = try? Date(full, strategy: .iso8601) { return date }
        return try? Date(full, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `date` as the wire writes it.
    static func text(_ date: Date) -> String { date.formatted(.iso8601) }
}
