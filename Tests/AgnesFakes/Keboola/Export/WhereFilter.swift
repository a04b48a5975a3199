import Foundation

/// One `whereFilters` entry of an export: `column`, `operator` (`eq` default, `ne`, `gt`, `ge`, `lt`,
/// `le`), `values`, optional numeric `dataType` (apiary "Asynchronous Export"). Filters are AND-joined.
struct WhereFilter: Equatable {
    enum Operator: String {
        case eq, ne, gt, ge, lt, le
    }

    let column: String
    let op: Operator
    let values: [String]
    /// `INTEGER`, `DOUBLE`, `BIGINT`, `REAL` or `DECIMAL`: compare as numbers.
    let dataType: String?

    static let numericTypes: Set<String> = ["INTEGER", "DOUBLE", "BIGINT", "REAL", "DECIMAL"]

    /// Reads and validates one entry; `index` names it in error messages.
    init(_ entry: RequestParameters, index: Int, columns: [String]) throws(KeboolaAPIError) {
        let name = "whereFilters[\(index)]"
        guard case .map = entry else { throw .validation("\(name) should be an array.") }
        guard let column = entry["column"]?.text, !column.isEmpty else {
            throw .validation("\(name)[column]: This value should not be blank.")
        }
        guard columns.contains(column) else {
            throw .validation("Cannot filter by column \"\(column)\", column does not exist")
        }
        let opText = entry["operator"]?.text ?? "eq"
        guard let op = Operator(rawValue: opText.isEmpty ? "eq" : opText) else {
            throw .validation("\(name)[operator]: Invalid operator \"\(opText)\", allowed: eq, ne, gt, ge, lt, le.")
        }
        let values: [String]
        if let text = entry["values"]?.text {
            values = [text]
        } else {
            values = entry["values"]?.elements?.compactMap(\.text) ?? []
        }
        guard !values.isEmpty else { throw .validation("\(name)[values]: This value should not be blank.") }
        if op != .eq && op != .ne && values.count != 1 {
            throw .validation("\(name)[values]: Operator \"\(op.rawValue)\" takes exactly one value.")
        }
        let dataType = entry["dataType"]?.text.flatMap { $0.isEmpty ? nil : $0.uppercased() }
        if let dataType, !Self.numericTypes.contains(dataType) {
            throw .validation("\(name)[dataType]: Invalid data type \"\(dataType)\".")
        }
        self.init(column: column, op: op, values: values, dataType: dataType)
    }

    init(column: String, op: Operator, values: [String], dataType: String?) {
        self.column = column
        self.op = op
        self.values = values
        self.dataType = dataType
    }

    /// Whether `value` (this filter's column of a row) passes. Text compares by UTF-8 bytes, as
    /// Snowflake's default collation; a value that is not a number never passes a numeric comparison.
    func matches(_ value: String) -> Bool {
        switch op {
        case .eq: return values.contains { equal(value, $0) }
        case .ne: return !values.contains { equal(value, $0) }
        case .gt: return compare(value, values[0]).map { $0 > 0 } ?? false
        case .ge: return compare(value, values[0]).map { $0 >= 0 } ?? false
        case .lt: return compare(value, values[0]).map { $0 < 0 } ?? false
        case .le: return compare(value, values[0]).map { $0 <= 0 } ?? false
        }
    }

    /// The JSON the job echoes in `operationParams.export.whereFilters`.
    var json: [String: Any] {
        var json: [String: Any] = ["column": column, "operator": op.rawValue, "values": values]
        if let dataType { json["dataType"] = dataType }
        return json
    }

    private func equal(_ value: String, _ other: String) -> Bool {
        dataType == nil ? value == other : compare(value, other) == 0
    }

    private func compare(_ value: String, _ other: String) -> Int? {
        if dataType != nil {
            guard let left = Double(value), let right = Double(other) else { return nil }
            return left < right ? -1 : (left > right ? 1 : 0)
        }
        if value == other { return 0 }
        return value.utf8.lexicographicallyPrecedes(other.utf8) ? -1 : 1
    }
}
