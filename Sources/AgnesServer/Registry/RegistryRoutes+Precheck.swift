import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesStore
import DuckDB
import Foundation
import Hummingbird

extension RegistryRoutes {
    struct Precheck: Encodable {
        struct Column: Encodable {
            let name: String
            let type: String
        }

        struct Table: Encodable {
            let id: String
            let name: String
            let sourceType: String?
            let bucket: String?
            let sourceTable: String?
            let rows: Int64?
            let sizeBytes: Int64?
            let columns: [Column]
            let note: String
            /// BigQuery's: the data project and the column count (REFERENCE §1.9).
            var projectID: String? = nil
            var columnCount: Int? = nil

            enum CodingKeys: String, CodingKey {
                case id, name, bucket, rows, columns, note
                case sourceType = "source_type"
                case sourceTable = "source_table"
                case sizeBytes = "size_bytes"
                case projectID = "project_id"
                case columnCount = "column_count"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(id, forKey: .id)
                try container.encode(name, forKey: .name)
                try container.encode(sourceType, forKey: .sourceType)
                try container.encode(bucket, forKey: .bucket)
                try container.encode(sourceTable, forKey: .sourceTable)
                try container.encode(rows, forKey: .rows)
                try container.encode(sizeBytes, forKey: .sizeBytes)
                try container.encode(columns, forKey: .columns)
                try container.encode(note, forKey: .note)
                try container.encodeIfPresent(projectID, forKey: .projectID)
                try container.encodeIfPresent(columnCount, forKey: .columnCount)
            }
        }

        let ok = true
        let table: Table
    }

    /// `POST /api/admin/register-table/precheck`: every check of a registration, nothing written. For
    /// the local folder it also reads the file's columns when the file is there.
    func precheck(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.admin(request, context)
        let body = try await request.decodeJSON(RegistrationRequest.self, context: context)
        let table = try registration(body, by: caller.user.email)
        if try await registry.list(sourceType: nil).contains(where: { $0.id == table.id || $0.name == table.name }) {
            throw APIError(.conflict, "Table '\(table.id)' is already registered")
        }
        var columns: [Precheck.Column] = []
        var size: Int64?
        var note = "Valid; the table syncs in the next run of its source."
        if table.sourceType == LocalFilesSource.sourceName.rawValue {
            let offered = try await services.localFiles.discover()
            let wanted = table.sourceTable
            let file = offered.first { offer in
                wanted.map { offer.isNamed(by: $0) } ?? (offer.id == table.id && offer.problem == nil)
            }
            if let file {
                size = file.sizeBytes
                let path = services.layout.localSourceDirectory.appendingPathComponent(file.sourceName)
                do {
                    columns = try await Self.columns(of: path)
                    note = "Valid; sources/local/\(file.sourceName) reads as \(columns.count) columns."
                } catch {
                    let message = (error as? DuckDBError)?.message ?? "\(error)"
                    throw APIError(
                        .unprocessableContent,
                        "source_table: sources/local/\(file.sourceName) cannot be read: \(message.replacingOccurrences(of: path.path, with: file.sourceName))"
                    )
                }
            } else {
                note =
                    "Valid; no file for it in sources/local yet: upload it or place \(table.sourceTable.map { $0.contains(".") ? $0 : "\($0).csv" } ?? "\(table.id).csv") there."
            }
        }
        if table.sourceType == services.bigquery.sourceType, table.queryMode == .remote {
            return try await bigqueryPrecheck(table)
        }
        return JSONBody.response(
            object: Precheck(
                table: .init(
                    id: table.id, name: table.name, sourceType: table.sourceType, bucket: table.bucket,
                    sourceTable: table.sourceTable, rows: nil, sizeBytes: size, columns: columns, note: note)))
    }

    /// A remote BigQuery table's precheck: `tables.get` in the data project, its columns, rows and size;
    /// BigQuery's 404, 403 and 400 pass through with its message.
    func bigqueryPrecheck(_ table: TableRegistration) async throws -> Response {
        do {
            let client = try services.bigquery.client()
            let project = client.configuration.dataProject
            let found = try await client.table(
                project: project, dataset: table.bucket ?? "", table: table.sourceTable ?? "")
            let columns = found.fields.map { Precheck.Column(name: $0.name, type: $0.type) }
            return JSONBody.response(
                object: Precheck(
                    table: .init(
                        id: table.id, name: table.name, sourceType: table.sourceType, bucket: table.bucket,
                        sourceTable: table.sourceTable, rows: found.rows, sizeBytes: found.bytes, columns: columns,
                        note:
                            "Valid; \(project).\(table.bucket ?? "").\(table.sourceTable ?? "") is a \((found.type ?? "TABLE").lowercased()) queried in place.",
                        projectID: project, columnCount: columns.count)))
        } catch let error as BigQueryError {
            switch error.upstreamStatus {
            case 404?: throw APIError(.notFound, error.message)
            case 403?: throw APIError(.forbidden, error.message)
            case 400?: throw APIError.badRequest(error.message)
            default: throw BigQueryRoutes.apiError(error)
            }
        }
    }

    /// The columns DuckDB infers for a local file.
    static func columns(of file: URL) async throws -> [Precheck.Column] {
        let fileExtension = file.pathExtension.lowercased()
        guard let reader = LocalFilesSource.readers[fileExtension] else { return [] }
        let source = reader.replacingOccurrences(of: "%@", with: SQLText.literal(file.path))
        return try await offloaded("agnes.precheck") {
            let connection = try Database(options: ["threads": "1", "memory_limit": "256MB"]).connect()
            return try connection.query("DESCRIBE SELECT * FROM \(source)").records.map {
                Precheck.Column(name: $0["column_name"].string ?? "", type: $0["column_type"].string ?? "")
            }
        }
    }
}
