import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// Column documentation of registered tables (REFERENCE §1.7): `GET /api/admin/metadata/{table_id}`
/// and, for admins, `POST` of the same path (audited).
///
/// Despite the `/admin` path the original let any signed-in user read any table's column metadata.
/// Here reading needs read access to the table, like every other table surface: a caller without a
/// grant gets 403 `Access denied to table '<id>'` whether or not the table exists, so column names and
/// descriptions never leak to someone who may not read the data. A table that is not registered is 404
/// `Table not found: <id>` for readers and writers alike (the original silently stored metadata for
/// typos).
///
/// A saved column is written by hand (`source: manual`): the OpenMetadata export never overwrites it.
/// Beside the original's `columns`, the read answers `table`: what the catalog export brought about the
/// table itself (description, tags, owners, tier), or null.
struct ColumnMetadataRoutes {
    let services: AgnesServices

    var columns: DuckDBColumnMetadataRepository { DuckDBColumnMetadataRepository(store: services.store) }

    struct SaveRequest: Decodable {
        let columns: [Column]

        struct Column: Decodable {
            let columnName: String
            let basetype: String?
            let description: String?
            let tags: [String]?
            let confidence: String?

            enum CodingKeys: String, CodingKey {
                case basetype, description, tags, confidence
                case columnName = "column_name"
            }
        }
    }

    struct TableColumns: Encodable {
        let tableID: String
        let columns: [ColumnView]
        let table: TableView?

        enum CodingKeys: String, CodingKey {
            case columns, table
            case tableID = "table_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(tableID, forKey: .tableID)
            try container.encode(columns, forKey: .columns)
            try container.encode(table, forKey: .table)  // null, not absent
        }
    }

    /// A `table_metadata` row on the wire.
    struct TableView: Encodable {
        let table: TableMetadata

        enum CodingKeys: String, CodingKey {
            case fqn, description, tags, owners, tier, source
            case updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(table.fqn, forKey: .fqn)
            try container.encode(table.description, forKey: .description)
            try container.encode(table.tags, forKey: .tags)
            try container.encode(table.owners, forKey: .owners)
            try container.encode(table.tier, forKey: .tier)
            try container.encode(table.source, forKey: .source)
            try container.encode(table.updatedAt?.wireText, forKey: .updatedAt)
        }
    }

    /// A `column_metadata` row on the wire.
    struct ColumnView: Encodable {
        let column: ColumnMetadata

        enum CodingKeys: String, CodingKey {
            case basetype, description, tags, confidence, source
            case tableID = "table_id"
            case columnName = "column_name"
            case updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(column.tableID, forKey: .tableID)
            try container.encode(column.columnName, forKey: .columnName)
            try container.encode(column.basetype, forKey: .basetype)
            try container.encode(column.description, forKey: .description)
            try container.encode(column.tags, forKey: .tags)
            try container.encode(column.confidence, forKey: .confidence)
            try container.encode(column.source, forKey: .source)
            try container.encode(column.updatedAt?.wireText, forKey: .updatedAt)
        }
    }

    struct Saved: Encodable {
        var status = "ok"
        let count: Int
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/admin/metadata/:table_id") { request, context in
            let caller = try await services.caller(request, context)
            let table = try await TableAccessCheck(services: services).readableTable(
                caller, id: try context.parameters.require("table_id"))
            let rows = try await columns.list(tableID: table.id)
            let documented = try await DuckDBTableMetadataRepository(store: services.store).find(tableID: table.id)
            return JSONBody.response(
                object: TableColumns(
                    tableID: table.id, columns: rows.map(ColumnView.init), table: documented.map(TableView.init)))
        }
        router.post("/api/admin/metadata/:table_id") { request, context in
            let actor = try await services.admin(request, context)
            let body = try await request.decodeJSON(SaveRequest.self, context: context)
            let table = try await TableAccessCheck(services: services).readableTable(
                actor, id: try context.parameters.require("table_id"))
            let rows = try body.columns.map { column in
                guard !column.columnName.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw APIError(.unprocessableContent, "column_name must not be empty")
                }
                return ColumnMetadata(
                    tableID: table.id, columnName: column.columnName, basetype: column.basetype,
                    description: column.description, tags: column.tags ?? [], confidence: column.confidence ?? "manual",
                    source: MetadataSource.manual)
            }
            try await columns.upsert(rows)
            await services.auth.authenticator.record(
                "column_metadata.save", userID: actor.user.id, resource: "table:\(table.id)",
                params: ["count": String(rows.count)])
            return JSONBody.response(object: Saved(count: rows.count))
        }
    }
}
