import AgnesCore
import DuckDB
import Foundation

/// ``TelegramRepository`` on the DuckDB system store.
public struct DuckDBTelegramRepository: TelegramRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    @discardableResult
    public func link(userID: String, chatID: Int64, at time: Date) async throws -> TelegramLink {
        try await store.write { connection in
            try connection.run(
                """
                INSERT INTO telegram_links (user_id, chat_id, linked_at) VALUES (?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id, linked_at = excluded.linked_at
                """, [.varchar(userID), .bigint(chatID), .optional(time)])
            return try Self.fetch(connection, where: "user_id = ?", [.varchar(userID)])[0]
        }
    }

    @discardableResult
    public func unlink(userID: String) async throws -> Bool {
        try await store.write { try $0.run("DELETE FROM telegram_links WHERE user_id = ?", [.varchar(userID)]) > 0 }
    }

    public func link(userID: String) async throws -> TelegramLink? {
        try await store.read { try Self.fetch($0, where: "user_id = ?", [.varchar(userID)]).first }
    }

    public func link(chatID: Int64) async throws -> TelegramLink? {
        try await store.read { try Self.fetch($0, where: "chat_id = ?", [.bigint(chatID)]).first }
    }

    public func createCode(_ code: String, chatID: Int64, at time: Date) async throws {
        _ = try await store.write { connection in
            try connection.run(
                """
                INSERT INTO pending_codes (code, chat_id, created_at) VALUES (?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET chat_id = excluded.chat_id, created_at = excluded.created_at
                """, [.varchar(code), .bigint(chatID), .optional(time)])
        }
    }

    public func consumeCode(_ code: String, maxAge: TimeInterval, now: Date) async throws -> Int64? {
        let notBefore = now.addingTimeInterval(-maxAge)
        return try await store.write { connection in
            // One statement decides: only the caller whose DELETE matched gets the chat id.
            try connection.query(
                "DELETE FROM pending_codes WHERE code = ? AND created_at >= ? RETURNING chat_id",
                [.varchar(code), .optional(notBefore)]
            ).first?["chat_id"].int64
        }
    }

    @discardableResult
    public func purgeCodes(createdBefore cutoff: Date) async throws -> Int {
        try await store.write { try $0.run("DELETE FROM pending_codes WHERE created_at < ?", [.optional(cutoff)]) }
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [TelegramLink]
    {
        try connection.query(
            "SELECT user_id, chat_id, linked_at FROM telegram_links WHERE \(predicate) ORDER BY linked_at DESC, user_id",
            parameters
        ).records.map { record in
            guard let chatID = record["chat_id"].int64 else {
                throw StoreError(.corruptRow, "telegram link of \(record.string("user_id") ?? "?") has no chat id")
            }
            return TelegramLink(
                userID: try record.requiredString("user_id"), chatID: chatID, linkedAt: record.date("linked_at"))
        }
    }
}
