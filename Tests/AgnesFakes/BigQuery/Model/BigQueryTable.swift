/// A dataset of the fake: where its tables live.
struct BigQueryDataset: Sendable {
    let id: BigQueryDatasetID
    var location: String
    let creationTime: Int64
}

/// A table or view of the fake.
struct BigQueryTable: Sendable {
    enum Content: Sendable {
        case rows(fields: [FakeBigQueryField], rows: [[FakeBigQueryValue]])
        /// A view: its GoogleSQL, whose unqualified names resolve in the view's project.
        case view(sql: String)
    }

    let id: BigQueryTableID
    var content: Content
    var description: String?
    let creationTime: Int64
    var lastModifiedTime: Int64

    var isView: Bool {
        if case .view = content { return true }
        return false
    }

    /// The stored fields (empty for a view).
    var fields: [FakeBigQueryField] {
        if case .rows(let fields, _) = content { return fields }
        return []
    }

    /// The stored rows (none for a view).
    var rows: [[FakeBigQueryValue]] {
        if case .rows(_, let rows) = content { return rows }
        return []
    }
}
