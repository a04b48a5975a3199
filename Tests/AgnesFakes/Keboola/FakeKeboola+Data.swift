import Foundation
import Synchronization

extension FakeKeboola {
    /// Creates or replaces a table (its bucket comes from the id); its rows are stamped with the next tick.
    public func putTable(_ table: FakeKeboolaTable) {
        store.state.withLock { $0.put(table) }
    }

    /// Writes rows (values in the table's column order) as an incremental import does: a row whose primary
    /// key matches replaces the old one, others are appended (all of them without a primary key). Every
    /// written row is stamped with the next tick, which also becomes `lastImportDate` and `lastChangeDate`.
    public func upsert(tableID: String, rows: [[String]]) {
        store.state.withLock { $0.upsert(tableID: tableID, rows: rows) }
    }

    /// Removes the rows whose primary-key values (in primary-key order) are in `keys`, as
    /// `DELETE /tables/{id}/rows` does: they are simply gone, no export reports them. Bumps `lastChangeDate`.
    /// For a table without a primary key each key is a whole row.
    public func delete(tableID: String, keys: [[String]]) {
        store.state.withLock { $0.delete(tableID: tableID, keys: keys) }
    }

    /// Creates or replaces a table whose exports serve `sliceFiles` as they are, for benchmarks: header-less
    /// CSV slices, gzipped when the name ends in `.gz`, streamed from disk in chunks. Export parameters
    /// (columns, filters, gzip) do not change what is served; `rowsCount` is what table detail reports.
    /// `columnMetadata` is written by provider `user`.
    public func putFileBackedTable(
        id: String, columns: [String], primaryKey: [String], columnMetadata: [String: [String: String]],
        sliceFiles: [URL], rowsCount: Int
    ) {
        store.state.withLock {
            $0.putFileBacked(
                id: id, columns: columns, primaryKey: primaryKey, columnMetadata: columnMetadata, files: sliceFiles,
                rowsCount: rowsCount)
        }
    }

    /// The table's current rows in storage order (values only), for assertions.
    public func rows(of tableID: String) -> [[String]] {
        store.state.withLock { state in
            guard case .rows(let rows)? = state.tables[tableID]?.content else { return [] }
            return rows.map(\.values)
        }
    }
}
