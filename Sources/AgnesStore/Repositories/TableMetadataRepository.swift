import AgnesCore
import Foundation

/// What catalogs say about registered tables (``TableMetadata``), keyed by table id.
public protocol TableMetadataRepository: Sendable {
    /// One table's metadata.
    func find(tableID: String) async throws -> TableMetadata?
    /// Every table's metadata, ordered by table id.
    func list() async throws -> [TableMetadata]
}

extension TableMetadataRepository {
    /// The non-empty descriptions, by table id: what a catalog listing shows for a table whose
    /// registration has none.
    public func descriptions() async throws -> [String: String] {
        try await list().reduce(into: [:]) { result, table in
            if let text = table.description, !text.isEmpty { result[table.tableID] = text }
        }
    }
}
