import Foundation

/// A table of the fake project: its definition, its rows with the import time of each (Keboola's
/// internal `_timestamp`, which `changedSince` filters on), and its dates.
struct StoredTable {
    /// Rows kept in memory, or pre-made slice files served as they are (benchmarks).
    enum Content {
        case rows([Row])
        case files([URL], rowsCount: Int, sizeBytes: Int)
    }

    struct Row {
        var values: [String]
        var stamp: Date
    }

    let id: String
    var columns: [String]
    var primaryKey: [String]
    var displayName: String?
    var isTyped: Bool
    var aliasOf: String?
    var metadata: [StoredMetadata]
    var columnMetadata: [String: [StoredMetadata]]
    var content: Content
    let created: Date
    var lastImportDate: Date
    var lastChangeDate: Date

    /// `in`, `c-sales`, `orders` from `in.c-sales.orders`.
    var stage: String { String(id.split(separator: ".")[0]) }
    var bucketID: String { id.split(separator: ".").prefix(2).joined(separator: ".") }
    var name: String { id.split(separator: ".").dropFirst(2).joined(separator: ".") }

    var rowsCount: Int {
        switch content {
        case .rows(let rows): rows.count
        case .files(_, let count, _): count
        }
    }

    /// What the rows take as exported CSV; the files' size for file-backed tables.
    var dataSizeBytes: Int {
        switch content {
        case .rows(let rows): rows.reduce(0) { $0 + CSVWriter.record($1.values).utf8.count }
        case .files(_, _, let size): size
        }
    }

    /// Index of each primary-key column.
    var keyIndexes: [Int] { primaryKey.compactMap { columns.firstIndex(of: $0) } }
}
