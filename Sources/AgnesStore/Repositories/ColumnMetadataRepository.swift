import AgnesCore
import Foundation

/// Column documentation of registered tables, keyed by `(table id, column name)`.
public protocol ColumnMetadataRepository: Sendable {
    /// Creates or replaces the given columns' metadata in one transaction (every field is written as
    /// given; `updatedAt` becomes now). Returns how many columns were written.
    @discardableResult
    func upsert(_ columns: [ColumnMetadata]) async throws -> Int
    /// A table's column metadata, ordered by column name.
    func list(tableID: String) async throws -> [ColumnMetadata]
    /// Deletes one column's metadata. Returns false when there was none.
    @discardableResult
    func delete(tableID: String, columnName: String) async throws -> Bool
    /// Deletes every column's metadata of a table. Returns how many.
    @discardableResult
    func deleteAll(tableID: String) async throws -> Int
}

extension ColumnMetadataRepository {
    /// Creates or replaces one column's metadata.
    public func upsert(_ column: ColumnMetadata) async throws {
        try await upsert([column])
    }
}
