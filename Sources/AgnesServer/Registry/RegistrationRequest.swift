import AgnesCore
import Foundation
import HTTPTypes

/// The body of `POST /api/admin/register-table`, its `/precheck`, and `PUT /api/admin/registry/{id}`
/// (REFERENCE §1.9): every field optional on the wire (`name` is required when registering), a
/// `null` field counts as absent, and `primary_key` may be one string or a list.
struct RegistrationRequest: Decodable {
    var name: String?
    var folder: String?
    var syncStrategy: String?
    var primaryKey: [String]?
    var description: String?
    var sourceType: String?
    var bucket: String?
    var sourceTable: String?
    var sourceQuery: String?
    var queryMode: String?
    var syncSchedule: String?
    var profileAfterSync: Bool?
    var partitionBy: String?

    enum CodingKeys: String, CodingKey {
        case name, folder, description, bucket
        case syncStrategy = "sync_strategy"
        case primaryKey = "primary_key"
        case sourceType = "source_type"
        case sourceTable = "source_table"
        case sourceQuery = "source_query"
        case queryMode = "query_mode"
        case syncSchedule = "sync_schedule"
        case profileAfterSync = "profile_after_sync"
        case partitionBy = "partition_by"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String? { try container.decodeIfPresent(String.self, forKey: key) }
        name = try text(.name)
        folder = try text(.folder)
        syncStrategy = try text(.syncStrategy)
        description = try text(.description)
        sourceType = try text(.sourceType)
        bucket = try text(.bucket)
        sourceTable = try text(.sourceTable)
        sourceQuery = try text(.sourceQuery)
        queryMode = try text(.queryMode)
        syncSchedule = try text(.syncSchedule)
        profileAfterSync = try container.decodeIfPresent(Bool.self, forKey: .profileAfterSync)
        partitionBy = try text(.partitionBy)
        if let one = try? container.decodeIfPresent(String.self, forKey: .primaryKey) {
            primaryKey = [one]
        } else {
            primaryKey = try container.decodeIfPresent([String].self, forKey: .primaryKey)
        }
    }

    /// The names of the fields the body set (what `PUT` reports as `updated`).
    var givenFields: [String] {
        var fields: [String] = []
        if name != nil { fields.append("name") }
        if folder != nil { fields.append("folder") }
        if syncStrategy != nil { fields.append("sync_strategy") }
        if primaryKey != nil { fields.append("primary_key") }
        if description != nil { fields.append("description") }
        if sourceType != nil { fields.append("source_type") }
        if bucket != nil { fields.append("bucket") }
        if sourceTable != nil { fields.append("source_table") }
        if sourceQuery != nil { fields.append("source_query") }
        if queryMode != nil { fields.append("query_mode") }
        if syncSchedule != nil { fields.append("sync_schedule") }
        if profileAfterSync != nil { fields.append("profile_after_sync") }
        if partitionBy != nil { fields.append("partition_by") }
        return fields
    }

    /// The registry id a name gives: trimmed, lower-cased, spaces as underscores (the original's rule).
    static func id(for name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().replacingOccurrences(of: " ", with: "_")
    }

    /// `registration` with every field the body sets laid over it.
    func applied(to registration: TableRegistration) throws(APIError) -> TableRegistration {
        var result = registration
        if let name { result.name = name.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let folder { result.folder = folder.isEmpty ? nil : folder }
        if let syncStrategy {
            guard let strategy = SyncStrategy(rawValue: syncStrategy) else {
                let allowed = SyncStrategy.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError(.unprocessableContent, "sync_strategy: must be one of \(allowed)")
            }
            result.syncStrategy = strategy
        }
        if let primaryKey { result.primaryKey = primaryKey }
        if let description { result.description = description.isEmpty ? nil : description }
        if let sourceType { result.sourceType = sourceType.lowercased() }
        if let bucket { result.bucket = bucket.isEmpty ? nil : bucket }
        if let sourceTable { result.sourceTable = sourceTable.isEmpty ? nil : sourceTable }
        if let sourceQuery { result.sourceQuery = sourceQuery.isEmpty ? nil : sourceQuery }
        if let queryMode {
            guard let mode = QueryMode(rawValue: queryMode.lowercased()) else {
                throw APIError(.unprocessableContent, "query_mode: must be one of local, remote, materialized")
            }
            result.queryMode = mode
        }
        if let syncSchedule { result.syncSchedule = syncSchedule.isEmpty ? nil : syncSchedule }
        if let profileAfterSync { result.profileAfterSync = profileAfterSync }
        if let partitionBy { result.partitionBy = partitionBy.isEmpty ? nil : partitionBy }
        if result.queryMode != .materialized { result.sourceQuery = nil }
        // Leaving partitioned drops the partition column unless this very body names one (then the
        // rules refuse the combination).
        if result.syncStrategy != .partitioned, partitionBy == nil { result.partitionBy = nil }
        return result
    }
}
