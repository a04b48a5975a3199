import AgnesCore
import DuckDB
import Foundation

/// ``VerificationEvidenceRepository`` on the DuckDB system store.
public struct DuckDBVerificationEvidenceRepository: VerificationEvidenceRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    @discardableResult
    public func append(
        itemID: String, sourceUser: String?, sourceRef: String?, detectionType: String?, userQuote: String?,
        at time: Date
    ) async throws -> VerificationEvidence {
        let evidence = VerificationEvidence(
            id: RowID.make(), itemID: itemID, sourceUser: sourceUser, sourceRef: sourceRef,
            detectionType: detectionType,
            userQuote: userQuote, createdAt: time)
        _ = try await store.write { connection in
            try connection.run(
                """
                INSERT INTO verification_evidence (id, item_id, source_user, source_ref, detection_type, user_quote, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .varchar(evidence.id), .varchar(itemID), .optional(sourceUser), .optional(sourceRef),
                    .optional(detectionType), .optional(userQuote), .optional(time),
                ])
        }
        return evidence
    }

    public func list(itemID: String) async throws -> [VerificationEvidence] {
        try await store.read { connection in
            try connection.query(
                """
                SELECT id, item_id, source_user, source_ref, detection_type, user_quote, created_at
                FROM verification_evidence WHERE item_id = ? ORDER BY created_at, id
                """, [.varchar(itemID)]
            ).records.map { record in
                VerificationEvidence(
                    id: try record.requiredString("id"), itemID: try record.requiredString("item_id"),
                    sourceUser: record.string("source_user"), sourceRef: record.string("source_ref"),
                    detectionType: record.string("detection_type"), userQuote: record.string("user_quote"),
                    createdAt: record.date("created_at"))
            }
        }
    }
}
