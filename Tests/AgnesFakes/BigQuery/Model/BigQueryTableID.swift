import Foundation

/// `project:dataset.table`, the three parts of a table's name.
struct BigQueryTableID: Hashable, Comparable, Sendable {
    let project: String
    let dataset: String
    let table: String

    var datasetID: BigQueryDatasetID { BigQueryDatasetID(project: project, dataset: dataset) }

    /// `proj:ds.tbl`, as BigQuery's messages and resource ids write it.
    var legacyName: String { "\(project):\(dataset).\(table)" }

    /// `"proj"."ds"."tbl"`: a DuckDB catalog per project, a schema per dataset.
    var duckDBName: String { [project, dataset, table].map(DuckDBNames.quoted).joined(separator: ".") }

    /// A `TableReference`.
    var reference: [String: Any] { ["projectId": project, "datasetId": dataset, "tableId": table] }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.legacyName < rhs.legacyName }
}

/// `project:dataset`.
struct BigQueryDatasetID: Hashable, Comparable, Sendable {
    let project: String
    let dataset: String

    var legacyName: String { "\(project):\(dataset)" }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.legacyName < rhs.legacyName }
}

/// DuckDB's spelling of names.
enum DuckDBNames {
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
