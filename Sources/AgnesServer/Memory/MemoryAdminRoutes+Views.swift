import AgnesCore
import Foundation

extension MemoryAdminRoutes {
    /// `{id, updated: [fields]}`.
    struct Updated: Encodable {
        let id: String
        let updated: [String]
    }

    /// `GET /api/memory/admin/audit`.
    struct AuditPage: Encodable {
        let entries: [AuditRow]
        let count: Int
    }

    /// An `audit_log` row under its column names; `params` is the JSON text, as the original returned
    /// the column.
    struct AuditRow: Encodable {
        let entry: AuditEntry

        init(_ entry: AuditEntry) { self.entry = entry }

        enum CodingKeys: String, CodingKey {
            case id, timestamp, action, resource, params, result
            case userID = "user_id"
            case durationMS = "duration_ms"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entry.id, forKey: .id)
            try container.encode(entry.timestamp.wireText, forKey: .timestamp)
            try container.encode(entry.userID, forKey: .userID)
            try container.encode(entry.action, forKey: .action)
            try container.encode(entry.resource, forKey: .resource)
            let params = try entry.params.map { String(decoding: try JSONBody.encoder.encode($0), as: UTF8.self) }
            try container.encode(params, forKey: .params)
            try container.encode(entry.result, forKey: .result)
            try container.encode(entry.durationMS, forKey: .durationMS)
        }
    }
}
