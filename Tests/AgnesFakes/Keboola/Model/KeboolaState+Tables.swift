import Foundation

extension KeboolaState {
    /// Creates or replaces a table; its rows are stamped with a new tick.
    mutating func put(_ table: FakeKeboolaTable) {
        let parts = table.id.split(separator: ".", omittingEmptySubsequences: false)
        precondition(
            parts.count >= 3 && !parts.contains { $0.isEmpty }, "a table id is <stage>.<bucket>.<table>: \(table.id)")
        precondition(
            Set(table.primaryKey).isSubset(of: table.columns), "primary key \(table.primaryKey) not in columns")
        precondition(
            table.rows.allSatisfy { $0.count == table.columns.count }, "a row of \(table.id) has the wrong width")
        let time = tick()
        tables[table.id] = StoredTable(
            id: table.id, columns: table.columns, primaryKey: table.primaryKey, displayName: table.displayName,
            isTyped: table.isTyped, aliasOf: table.aliasOf, metadata: tableMetadata(of: table, at: time),
            columnMetadata: table.columnMetadata.mapValues { $0.map { nextMetadata($0, at: time) } },
            content: .rows(table.rows.map { StoredTable.Row(values: $0, stamp: time) }), created: time,
            lastImportDate: time, lastChangeDate: time)
    }

    /// Creates or replaces a table whose export serves pre-made slice files.
    mutating func putFileBacked(
        id: String, columns: [String], primaryKey: [String], columnMetadata: [String: [String: String]], files: [URL],
        rowsCount: Int
    ) {
        let size = files.reduce(0) { total, file in
            let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
            return total + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
        }
        put(FakeKeboolaTable(id: id, columns: columns, primaryKey: primaryKey))
        let time = now
        tables[id]!.columnMetadata = columnMetadata.mapValues { entries in
            entries.sorted { $0.key < $1.key }.map { nextMetadata(FakeKeboolaMetadata($0.key, $0.value), at: time) }
        }
        tables[id]!.content = .files(files, rowsCount: rowsCount, sizeBytes: size)
    }

    /// Replaces rows whose primary key matches, appends the others (all of them without a primary key);
    /// every written row gets a new tick.
    mutating func upsert(tableID: String, rows: [[String]]) {
        guard var table = tables[tableID], case .rows(var stored) = table.content else {
            preconditionFailure("no in-memory table \(tableID)")
        }
        precondition(rows.allSatisfy { $0.count == table.columns.count }, "a row for \(tableID) has the wrong width")
        let time = tick()
        let keys = table.keyIndexes
        for values in rows {
            let row = StoredTable.Row(values: values, stamp: time)
            if !keys.isEmpty,
                let index = stored.firstIndex(where: { old in keys.allSatisfy { old.values[$0] == values[$0] } })
            {
                stored[index] = row
            } else {
                stored.append(row)
            }
        }
        table.content = .rows(stored)
        table.lastImportDate = time
        table.lastChangeDate = time
        tables[tableID] = table
    }

    /// Removes the rows whose primary key is one of `keys` (whole rows for a table without a key).
    mutating func delete(tableID: String, keys: [[String]]) {
        guard var table = tables[tableID], case .rows(let stored) = table.content else {
            preconditionFailure("no in-memory table \(tableID)")
        }
        let indexes = table.keyIndexes.isEmpty ? Array(table.columns.indices) : table.keyIndexes
        let doomed = Set(keys)
        table.content = .rows(stored.filter { row in !doomed.contains(indexes.map { row.values[$0] }) })
        table.lastChangeDate = tick()
        tables[tableID] = table
    }

    private mutating func tableMetadata(of table: FakeKeboolaTable, at time: Date) -> [StoredMetadata] {
        var entries = table.metadata
        if let description = table.description { entries.append(FakeKeboolaMetadata("KBC.description", description)) }
        if table.isTyped && !entries.contains(where: { $0.key == "KBC.dataTypesEnabled" }) {
            entries.append(FakeKeboolaMetadata("KBC.dataTypesEnabled", "true", provider: "storage"))
        }
        return entries.map { nextMetadata($0, at: time) }
    }
}
