import AgnesConnectors
import AgnesCore
import Foundation
import Hummingbird

extension DiscoveryRoutes {
    /// A Keboola table as `GET /api/admin/discover-tables` lists it (REFERENCE §1.9), with whether it
    /// is registered and the registry id discovery would give it.
    struct KeboolaOffered: Encodable {
        let id: String
        let name: String
        let bucketID: String
        let bucketName: String?
        let columns: [String]
        let rowCount: Int64?
        let sizeBytes: Int64?
        let primaryKey: [String]
        let lastChange: String?
        let lastImport: String?
        let registryID: String
        let registered: Bool

        enum CodingKeys: String, CodingKey {
            case id, name, columns, registered
            case bucketID = "bucket_id"
            case bucketName = "bucket_name"
            case rowCount = "row_count"
            case sizeBytes = "size_bytes"
            case primaryKey = "primary_key"
            case lastChange = "last_change"
            case lastImport = "last_import"
            case registryID = "registry_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(bucketID, forKey: .bucketID)
            try container.encode(bucketName, forKey: .bucketName)
            try container.encode(columns, forKey: .columns)
            try container.encode(rowCount, forKey: .rowCount)
            try container.encode(sizeBytes, forKey: .sizeBytes)
            try container.encode(primaryKey, forKey: .primaryKey)
            try container.encode(lastChange, forKey: .lastChange)
            try container.encode(lastImport, forKey: .lastImport)
            try container.encode(registryID, forKey: .registryID)
            try container.encode(registered, forKey: .registered)
        }
    }

    struct KeboolaDiscovered: Encodable {
        let tables: [KeboolaOffered]
        let count: Int
        let source: String
        let error: String?
    }

    /// Keboola's tables with their columns, keys and dates; not configured → an empty list and the
    /// reason, a failing stack → 500 `Discovery failed: …`.
    func keboolaTables(known: Set<String>, claimed: [TableRegistration]) async throws -> Response {
        let client: KeboolaStorageClient
        do {
            client = try services.keboola.client()
        } catch {
            return JSONBody.response(object: KeboolaDiscovered(tables: [], count: 0, source: "keboola", error: "\(error)"))
        }
        let tables: [KeboolaTable]
        do {
            tables = try await client.tables()
        } catch {
            throw APIError(.internalServerError, "Discovery failed: \(error)")
        }
        let offered = tables.sorted { $0.id < $1.id }.map { table in
            let registryID = KeboolaConnector.registryID(for: table.id)
            let discovered = DiscoveredTable(
                id: registryID, sourceName: table.id, bucket: table.bucketID, sourceTable: table.name)
            return KeboolaOffered(
                id: table.id, name: table.name, bucketID: table.bucketID, bucketName: table.bucketName,
                columns: table.columns, rowCount: table.rowsCount, sizeBytes: table.dataSizeBytes,
                primaryKey: table.primaryKey, lastChange: table.lastChangeDate, lastImport: table.lastImportDate,
                registryID: registryID,
                registered: known.contains(registryID) || claimed.contains(where: discovered.isClaimed))
        }
        return JSONBody.response(object: KeboolaDiscovered(tables: offered, count: offered.count, source: "keboola", error: nil))
    }
}
