import AgnesCore
import DuckDB
import Foundation

/// ``SessionExtractionRepository`` on the DuckDB system store.
public struct DuckDBSessionExtractionRepository: SessionExtractionRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    public func markProcessed(
        sessionFile: String, username: String, fileHash: String?, itemsExtracted: Int, at time: Date
    ) async throws {
        _ = try await store.write { connection in
            try connection.run(
                """
                INSERT INTO session_extraction_state (session_file, username, processed_at, items_extracted, file_hash)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (session_file) DO UPDATE SET username = excluded.username,
                    processed_at = excluded.processed_at, items_extracted = excluded.items_extracted,
                    file_hash = excluded.file_hash
                """,
                [
                    .varchar(sessionFile), .varchar(username), .optional(time),
                    .integer(Int32(clamping: itemsExtracted)),
                    .optional(fileHash),
                ])
        }
    }

    public func find(sessionFile: String) async throws -> SessionExtraction? {
        try await store.read { connection in
            try connection.query(
                """
                SELECT session_file, username, processed_at, items_extracted, file_hash
                FROM session_extraction_state WHERE session_file = ?
                """, [.varchar(sessionFile)]
            ).records.first.map { record in
                SessionExtraction(
                    sessionFile: try record.requiredString("session_file"),
                    username: try record.requiredString("username"),
                    processedAt: record.date("processed_at"), itemsExtracted: record.int("items_extracted") ?? 0,
                    fileHash: record.string("file_hash"))
            }
        }
    }
}
