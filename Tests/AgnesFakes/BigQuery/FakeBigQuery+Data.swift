import Synchronization

extension FakeBigQuery {
    /// Creates a dataset (putting a table creates its dataset in `US` too).
    public func putDataset(project: String, dataset: String, location: String = "US") {
        store.state.withLock { state in
            let id = BigQueryDatasetID(project: project, dataset: dataset)
            state.ensureDataset(id, location: location)
            state.datasets[id]?.location = location
        }
    }

    /// Creates or replaces a table; `rows` hold one value per field, in field order.
    public func putTable(
        project: String, dataset: String, table: String, fields: [FakeBigQueryField], rows: [[FakeBigQueryValue]],
        description: String? = nil
    ) {
        store.state.withLock {
            $0.put(
                BigQueryTableID(project: project, dataset: dataset, table: table), .rows(fields: fields, rows: rows),
                description: description)
        }
    }

    /// Creates or replaces a view: queries read it through its GoogleSQL, whose dataset-qualified names
    /// resolve in the view's project.
    public func putView(project: String, dataset: String, view: String, sql: String, description: String? = nil) {
        store.state.withLock {
            $0.put(
                BigQueryTableID(project: project, dataset: dataset, table: view), .view(sql: sql),
                description: description)
        }
    }

    /// Deletes a table or view, as someone in the console would: queries of it then answer 404.
    public func deleteTable(project: String, dataset: String, table: String) {
        _ = store.state.withLock {
            $0.tables.removeValue(forKey: BigQueryTableID(project: project, dataset: dataset, table: table))
        }
    }
}
