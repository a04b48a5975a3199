import Foundation

/// The validated parameters of `POST /v2/storage/tables/{id}/export-async` (apiary "Asynchronous
/// Export"): projection, import-time window, where filters, order, limit, gzip.
struct ExportParameters {
    /// Exported columns in output order; all table columns when the request named none.
    var columns: [String]
    /// The columns the request named (empty when it named none).
    var requestedColumns: [String]
    var changedSince: Date?
    var changedUntil: Date?
    var whereFilters: [WhereFilter] = []
    var orderBy: [(column: String, isDescending: Bool, isNumeric: Bool)] = []
    var limit: Int?
    var isGzipped = false
    var includesInternalTimestamp = false

    /// Reads `parameters` against the table's `tableColumns`; the fake clock `now` anchors relative dates.
    init(_ parameters: RequestParameters, tableColumns: [String], now: Date) throws(KeboolaAPIError) {
        requestedColumns = try Self.columns(parameters["columns"], tableColumns: tableColumns)
        columns = requestedColumns.isEmpty ? tableColumns : requestedColumns
        changedSince = try Self.date(parameters["changedSince"], name: "changedSince", now: now)
        changedUntil = try Self.date(parameters["changedUntil"], name: "changedUntil", now: now)
        if let filters = parameters["whereFilters"] {
            guard let entries = filters.elements else { throw .validation("whereFilters should be an array") }
            for (index, entry) in entries.enumerated() {
                whereFilters.append(try WhereFilter(entry, index: index, columns: tableColumns))
            }
        }
        if let column = parameters["whereColumn"]?.text, !column.isEmpty {
            let legacy = RequestParameters.map([
                "column": .text(column), "operator": parameters["whereOperator"] ?? .text("eq"),
                "values": parameters["whereValues"] ?? .list([]),
            ])
            whereFilters.append(try WhereFilter(legacy, index: whereFilters.count, columns: tableColumns))
        }
        orderBy = try Self.orderBy(parameters["orderBy"], tableColumns: tableColumns)
        if let text = parameters["limit"]?.text, !text.isEmpty {
            guard let limit = Int(text), limit > 0 else {
                throw .validation("limit: This value should be a positive number.")
            }
            self.limit = limit
        }
        isGzipped = try Self.flag(parameters["gzip"], name: "gzip")
        includesInternalTimestamp = try Self.flag(
            parameters["includeInternalTimestamp"], name: "includeInternalTimestamp")
        let format = parameters["format"]?.text ?? "rfc"
        guard format == "rfc" || format.isEmpty else {
            let known = ["json", "escaped", "raw"].contains(format)
            throw .validation(
                known
                    ? "Format \"\(format)\" is not supported by this fake; use \"rfc\"."
                    : "Invalid format \"\(format)\".",
                code: "storage.tables.validation.invalidFormat")
        }
        let fileType = parameters["fileType"]?.text ?? "csv"
        guard fileType == "csv" || fileType.isEmpty else {
            throw .validation(
                fileType == "parquet"
                    ? "fileType \"parquet\" is not supported by this fake; use \"csv\"."
                    : "fileType: The value \"\(fileType)\" is not valid, allowed: csv, parquet.")
        }
    }

    /// The JSON the job echoes as `operationParams.export`.
    var json: [String: Any] {
        [
            "tableName": NSNull(), "columns": requestedColumns, "limit": limit.map { $0 as Any } ?? NSNull(),
            "changedSince": changedSince.map { String(Int($0.timeIntervalSince1970)) as Any } ?? NSNull(),
            "changedUntil": changedUntil.map { String(Int($0.timeIntervalSince1970)) as Any } ?? NSNull(),
            "gzipOutput": isGzipped, "format": "rfc", "whereFilters": whereFilters.map(\.json), "fileType": "csv",
            "includeInternalTimestamp": includesInternalTimestamp,
        ]
    }

    private static func columns(_ value: RequestParameters?, tableColumns: [String]) throws(KeboolaAPIError) -> [String]
    {
        let names: [String]
        switch value {
        case .text(let text)?:
            names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case let value?:
            names = value.elements?.compactMap(\.text) ?? []
        case nil:
            names = []
        }
        let unknown = names.filter { !tableColumns.contains($0) }
        guard unknown.isEmpty else {
            throw .validation("Columns \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")) not found in the table.")
        }
        return names
    }

    private static func date(_ value: RequestParameters?, name: String, now: Date) throws(KeboolaAPIError) -> Date? {
        guard let text = value?.text, !text.isEmpty else { return nil }
        guard let date = KeboolaDate.filter(text, now: now) else {
            throw .validation("\(name): Invalid date \"\(text)\"; use a unix timestamp or an ISO 8601 date.")
        }
        return date
    }

    private static func flag(_ value: RequestParameters?, name: String) throws(KeboolaAPIError) -> Bool {
        switch value?.text?.lowercased() {
        case nil, "", "0", "false": return false
        case "1", "true": return true
        case let other?: throw .validation("\(name): The value \"\(other)\" is not a valid boolean.")
        }
    }

    private static func orderBy(_ value: RequestParameters?, tableColumns: [String]) throws(KeboolaAPIError)
        -> [(column: String, isDescending: Bool, isNumeric: Bool)]
    {
        guard let value else { return [] }
        guard let entries = value.elements else { throw .validation("orderBy should be an array") }
        var order: [(column: String, isDescending: Bool, isNumeric: Bool)] = []
        for entry in entries {
            guard let column = entry["column"]?.text, tableColumns.contains(column) else {
                throw .validation("orderBy: Cannot order by column \"\(entry["column"]?.text ?? "")\".")
            }
            let direction = (entry["order"]?.text ?? "ASC").uppercased()
            guard direction == "ASC" || direction == "DESC" else {
                throw .validation("orderBy: Invalid order \"\(direction)\", allowed: ASC, DESC.")
            }
            let dataType = entry["dataType"]?.text?.uppercased()
            order.append((column, direction == "DESC", dataType.map(WhereFilter.numericTypes.contains) ?? false))
        }
        return order
    }
}
