import DuckDB
import Foundation
import Hummingbird
import Synchronization

extension BigQueryResponder {
    /// datasets.list: the project's datasets by id, a page of `maxResults` (at most the fake's page
    /// size) with `nextPageToken` when more follow.
    func listDatasets(project: String, _ request: IncomingRequest) -> Response {
        let (datasets, pageSize) = store.state.withLock { state in
            (state.datasets.values.filter { $0.id.project == project }.sorted { $0.id < $1.id }, state.listPageSize)
        }
        let page: ListPage<BigQueryDataset>
        do {
            page = try ListPage(datasets, request, pageSize: pageSize, scope: "datasets/\(project)")
        } catch {
            return error.response()
        }
        var answer: [String: Any] = ["kind": "bigquery#datasetList", "etag": BigQueryState.random(16)]
        if !page.items.isEmpty {
            answer["datasets"] = page.items.map { dataset -> [String: Any] in
                [
                    "kind": "bigquery#dataset", "id": dataset.id.legacyName, "location": dataset.location,
                    "datasetReference": ["projectId": project, "datasetId": dataset.id.dataset],
                ]
            }
        }
        answer["nextPageToken"] = page.nextPageToken
        return BigQueryJSON.response(answer)
    }

    /// datasets.get.
    func getDataset(_ id: BigQueryDatasetID) -> Response {
        guard let (dataset, baseURL) = store.state.withLock({ state in state.datasets[id].map { ($0, state.baseURL) } })
        else { return BigQueryError.notFound("Not found: Dataset \(id.legacyName)").response() }
        return BigQueryJSON.response([
            "kind": "bigquery#dataset", "etag": BigQueryState.random(16), "id": id.legacyName,
            "selfLink": "\(baseURL)/bigquery/v2/projects/\(id.project)/datasets/\(id.dataset)",
            "datasetReference": ["projectId": id.project, "datasetId": id.dataset], "location": dataset.location,
            "creationTime": String(dataset.creationTime), "lastModifiedTime": String(dataset.creationTime),
            "type": "DEFAULT",
        ])
    }

    /// tables.list: the dataset's tables and views by id, paged like datasets.list, with `totalItems`.
    func listTables(_ dataset: BigQueryDatasetID, _ request: IncomingRequest) -> Response {
        let found = store.state.withLock { state -> ([BigQueryTable], Int)? in
            guard state.datasets[dataset] != nil else { return nil }
            return (
                state.tables.values.filter { $0.id.datasetID == dataset }.sorted { $0.id < $1.id }, state.listPageSize
            )
        }
        guard let (tables, pageSize) = found else {
            return BigQueryError.notFound("Not found: Dataset \(dataset.legacyName)").response()
        }
        let page: ListPage<BigQueryTable>
        do {
            page = try ListPage(tables, request, pageSize: pageSize, scope: "tables/\(dataset.legacyName)")
        } catch {
            return error.response()
        }
        var answer: [String: Any] = [
            "kind": "bigquery#tableList", "etag": BigQueryState.random(16), "totalItems": tables.count,
        ]
        if !page.items.isEmpty {
            answer["tables"] = page.items.map { table -> [String: Any] in
                var item: [String: Any] = [
                    "kind": "bigquery#table", "id": table.id.legacyName, "tableReference": table.id.reference,
                    "type": table.isView ? "VIEW" : "TABLE", "creationTime": String(table.creationTime),
                ]
                if table.isView { item["view"] = ["useLegacySql": false] }
                return item
            }
        }
        answer["nextPageToken"] = page.nextPageToken
        return BigQueryJSON.response(answer)
    }

    /// tables.get: the `Table` resource; a view's schema is that of its query.
    func getTable(_ id: BigQueryTableID) async -> Response {
        guard
            let (table, location, baseURL) = store.state.withLock({ state in
                state.tables[id].map { ($0, state.datasets[id.datasetID]?.location ?? "US", state.baseURL) }
            })
        else { return BigQueryError.notFound("Not found: Table \(id.legacyName)").response() }
        var resource: [String: Any] = [
            "kind": "bigquery#table", "etag": BigQueryState.random(16), "id": id.legacyName,
            "selfLink": "\(baseURL)/bigquery/v2/projects/\(id.project)/datasets/\(id.dataset)/tables/\(id.table)",
            "tableReference": id.reference, "type": table.isView ? "VIEW" : "TABLE", "location": location,
            "creationTime": String(table.creationTime), "lastModifiedTime": String(table.lastModifiedTime),
            "numRows": String(table.rows.count), "numBytes": String(LogicalBytes.table(table)),
            "numLongTermBytes": "0",
        ]
        if let description = table.description { resource["description"] = description }
        switch table.content {
        case .rows(let fields, _):
            resource["schema"] = ["fields": fields.map(RowEncoding.schema)]
        case .view(let sql):
            resource["view"] = ["query": sql, "useLegacySql": false]
            if case .succeeded(let output) = await selectAll(from: id) {
                resource["schema"] = ["fields": output.fields.map(RowEncoding.schema)]
            }
        }
        return BigQueryJSON.response(resource)
    }

    /// tabledata.list: a page of a table's rows, from `pageToken` or `startIndex`.
    func listTableData(_ id: BigQueryTableID, _ request: IncomingRequest) async -> Response {
        guard
            let (fields, isView, limit) = store.state.withLock({ state in
                state.tables[id].map { ($0.fields, $0.isView, state.maxRowsPerPage) }
            })
        else { return BigQueryError.notFound("Not found: Table \(id.legacyName)").response() }
        guard !isView else { return BigQueryError.invalid("Cannot list a table of type VIEW.").response() }
        switch await selectAll(from: id) {
        case .failed(let error):
            return error.response()
        case .succeeded(let output):
            // The stored fields, not DuckDB's: they keep REQUIRED modes and descriptions.
            let rows = output.rows
            let page: ListPage<[DuckDBValue]>
            do {
                page = try ListPage(rows, request, pageSize: limit, scope: "data/\(id.legacyName)")
            } catch {
                return error.response()
            }
            var answer: [String: Any] = [
                "kind": "bigquery#tableDataList", "etag": BigQueryState.random(16), "totalRows": String(rows.count),
            ]
            if !page.items.isEmpty {
                answer["rows"] = page.items.map { RowEncoding.row($0, fields, timestamps: request.timestampFormat) }
            }
            answer["pageToken"] = page.nextPageToken
            return BigQueryJSON.response(answer)
        }
    }

    /// `SELECT *` of a table or view, run like a query of its project.
    private func selectAll(from id: BigQueryTableID) async -> BigQueryJob.Outcome {
        let sql = "SELECT * FROM `\(id.project).\(id.dataset).\(id.table)`"
        let configuration = try? QueryConfiguration(
            queryRequest: ["query": sql, "useLegacySql": false], project: id.project)
        guard let configuration,
            let plan = try? store.state.withLock({ state throws(BigQueryError) in
                try QueryPlan(configuration, billingProject: id.project, state: state)
            })
        else { return .failed(.notFound("Not found: Table \(id.legacyName)")) }
        do {
            let (sql, catalog) = (plan.sql, plan.catalog)
            return .succeeded(try await offloaded("fake-bigquery") { try BigQueryEngine.run(sql, over: catalog) })
        } catch let error as BigQueryError {
            return .failed(error)
        } catch {
            return .failed(BigQueryError(status: 500, reason: "internalError", message: "\(error)"))
        }
    }
}

extension IncomingRequest {
    /// The `formatOptions.useInt64Timestamp` and `formatOptions.timestampOutputFormat` query parameters
    /// of getQueryResults and tabledata.list.
    var timestampFormat: RowEncoding.TimestampFormat {
        let parameters = queryParameters
        return .init(
            useInt64Timestamp: parameters["formatOptions.useInt64Timestamp"] == "true",
            outputFormat: parameters["formatOptions.timestampOutputFormat"])
    }
}
