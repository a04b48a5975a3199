import AgnesCore
import DuckDB
import Foundation

/// ``TemplateRepository`` on the DuckDB system store: one singleton row (id 1) per template table.
public struct DuckDBTemplateRepository: TemplateRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    public func template(_ kind: TemplateKind) async throws -> StoredTemplate {
        let table = Self.table(kind)
        return try await store.read { connection in
            guard
                let record = try connection.query("SELECT content, updated_at, updated_by FROM \(table) WHERE id = 1")
                    .first
            else { return StoredTemplate() }
            return StoredTemplate(
                content: record.string("content"), updatedAt: record.date("updated_at"),
                updatedBy: record.string("updated_by"))
        }
    }

    public func setTemplate(_ kind: TemplateKind, content: String?, by actor: String?, at time: Date) async throws {
        let table = Self.table(kind)
        _ = try await store.write { connection in
            // An upsert, so a store whose singleton row went missing heals itself.
            try connection.run(
                """
                INSERT INTO \(table) (id, content, updated_at, updated_by) VALUES (1, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at,
                    updated_by = excluded.updated_by
                """, [.optional(content), .optional(time), .optional(actor)])
        }
    }

    /// The singleton table holding `kind`.
    static func table(_ kind: TemplateKind) -> String {
        switch kind {
        case .welcome: "welcome_template"
        case .setupBanner: "setup_banner"
        case .claudeMD: "claude_md_template"
        }
    }
}
