import AgnesConnectors
import AgnesCore
import Foundation
import Hummingbird

extension DiscoveryRoutes {
    struct BigQueryDataset: Encodable {
        let datasetID: String
        let fullID: String

        enum CodingKeys: String, CodingKey {
            case datasetID = "dataset_id"
            case fullID = "full_id"
        }
    }

    struct BigQueryDatasets: Encodable {
        let datasets: [BigQueryDataset]
        let count: Int
        let source: String
        let error: String?
    }

    struct BigQueryOffered: Encodable {
        let tableID: String
        let tableType: String
        let fullID: String
        let registryID: String
        let registered: Bool

        enum CodingKeys: String, CodingKey {
            case registered
            case tableID = "table_id"
            case tableType = "table_type"
            case fullID = "full_id"
            case registryID = "registry_id"
        }
    }

    struct BigQueryTables: Encodable {
        let tables: [BigQueryOffered]
        let count: Int
        let source: String
        let dataset: String
    }

    /// BigQuery as `GET /api/admin/discover-tables` lists it (REFERENCE §1.9): without `dataset` the
    /// data project's datasets, with it that dataset's tables (type and whether registered). Not
    /// configured → an empty list and the reason; a failing API → 500 `Discovery failed: …`.
    func bigqueryListing(dataset: String?, known: Set<String>, claimed: [TableRegistration]) async throws -> Response {
        let client: BigQueryClient
        do {
            client = try services.bigquery.client()
        } catch {
            return JSONBody.response(
                object: BigQueryDatasets(datasets: [], count: 0, source: "bigquery", error: "\(error)"))
        }
        let project = client.configuration.dataProject
        do {
            guard let dataset, !dataset.isEmpty else {
                let datasets = try await client.datasets(project: project).map {
                    BigQueryDataset(
                        datasetID: $0.datasetReference.datasetId, fullID: "\(project):\($0.datasetReference.datasetId)")
                }
                return JSONBody.response(
                    object: BigQueryDatasets(datasets: datasets, count: datasets.count, source: "bigquery", error: nil))
            }
            let tables = try await client.tables(project: project, dataset: dataset).map { entry in
                let name = entry.tableReference.tableId
                let discovered = DiscoveredTable(
                    id: BigQueryConnector.registryID(dataset: dataset, table: name),
                    sourceName: "\(dataset).\(name)",
                    bucket: dataset, sourceTable: name)
                return BigQueryOffered(
                    tableID: name, tableType: entry.type ?? "TABLE", fullID: "\(project):\(dataset).\(name)",
                    registryID: discovered.id,
                    registered: known.contains(discovered.id) || claimed.contains(where: discovered.isClaimed))
            }
            return JSONBody.response(
                object: BigQueryTables(tables: tables, count: tables.count, source: "bigquery", dataset: dataset))
        } catch {
            throw APIError(.internalServerError, "Discovery failed: \(error)")
        }
    }
}
