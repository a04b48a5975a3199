import Foundation

/// What of a query may be sent to the source of a remote table it reads, found in DuckDB's own parse
/// tree of the query (`json_serialize_sql`). DuckDB's C API offers table functions projection pushdown
/// but not filter pushdown, so the filters are read here, conservatively:
///
/// - only a remote table that the query names exactly once (so no other scan of it, in a subquery or
///   a self-join, could be given filters that are not its own), as the whole FROM clause of a SELECT;
/// - only top-level AND-ed conditions of that SELECT's WHERE clause: `column op literal` (`=`, `<>`,
///   `<`, `<=`, `>`, `>=`, either side), `column IN (literals)`, `column BETWEEN a AND b`,
///   `column IS [NOT] NULL`, with a literal of the column's kind (a number for numeric columns, a
///   string for text, a string or `DATE '…'`/`TIMESTAMP '…'` for dates and times);
/// - LIMIT (plus OFFSET) only for a plain projection: no ORDER BY, GROUP BY, aggregate, DISTINCT,
///   HAVING, QUALIFY, window or sample.
///
/// Anything else is simply not pushed: DuckDB evaluates the whole query over what arrives, so pushing
/// less only costs transfer, never correctness.
public enum RemotePushdown {
    /// The pushdown for one remote table.
    public struct Plan: Sendable, Hashable {
        public var filters: [RemoteFilter]
        public var limit: Int?

        public init(filters: [RemoteFilter] = [], limit: Int? = nil) {
            self.filters = filters
            self.limit = limit
        }
    }

    /// The plans for the remote tables (`columns` by table id) that `tree` (the JSON of
    /// `json_serialize_sql`) reads; tables without anything to push are absent.
    public static func plans(tree json: String, remote: [String: [RemoteColumn]]) -> [String: Plan] {
        guard let data = json.data(using: .utf8),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            root["error"] as? Bool != true,
            let statements = root["statements"] as? [[String: Any]], statements.count == 1,
            let node = statements[0]["node"] as? [String: Any]
        else { return [:] }
        let byName = Dictionary(remote.map { ($0.key.lowercased(), $0.key) }, uniquingKeysWith: { first, _ in first })
        var references: [String: Int] = [:]
        countTables(node, byName: byName, into: &references)
        var plans: [String: Plan] = [:]
        visitSelects(node) { select in
            guard let from = select["from_table"] as? [String: Any], from["type"] as? String == "BASE_TABLE",
                (from["catalog_name"] as? String ?? "").isEmpty,
                ["", "main"].contains((from["schema_name"] as? String ?? "").lowercased()),
                let name = (from["table_name"] as? String).flatMap({ byName[$0.lowercased()] }),
                references[name] == 1, let columns = remote[name]
            else { return }
            let alias = (from["alias"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? name
            var plan = Plan()
            var isWhole = true
            if let clause = select["where_clause"] as? [String: Any] {
                for conjunct in conjuncts(clause) {
                    let converted = filters(conjunct, columns: columns, qualifier: alias)
                    if converted.isEmpty { isWhole = false }
                    plan.filters += converted
                }
            }
            // A LIMIT applied at the source before a condition it did not get would lose rows.
            plan.limit = isWhole ? limit(of: select) : nil
            if !plan.filters.isEmpty || plan.limit != nil { plans[name] = plan }
        }
        return plans
    }

    /// Counts the BASE_TABLE references of each remote table anywhere in the tree.
    private static func countTables(_ value: Any, byName: [String: String], into counts: inout [String: Int]) {
        if let object = value as? [String: Any] {
            if object["type"] as? String == "BASE_TABLE", let table = object["table_name"] as? String,
                let name = byName[table.lowercased()]
            {
                counts[name, default: 0] += 1
            }
            for child in object.values { countTables(child, byName: byName, into: &counts) }
        } else if let array = value as? [Any] {
            for child in array { countTables(child, byName: byName, into: &counts) }
        }
    }

    /// Every SELECT_NODE of the tree (the statement's and those of subqueries, CTEs and set operations).
    private static func visitSelects(_ value: Any, _ body: ([String: Any]) -> Void) {
        if let object = value as? [String: Any] {
            if object["type"] as? String == "SELECT_NODE" { body(object) }
            for child in object.values { visitSelects(child, body) }
        } else if let array = value as? [Any] {
            for child in array { visitSelects(child, body) }
        }
    }

    /// The AND-ed parts of a condition.
    private static func conjuncts(_ expression: [String: Any]) -> [[String: Any]] {
        guard expression["type"] as? String == "CONJUNCTION_AND",
            let children = expression["children"] as? [[String: Any]]
        else { return [expression] }
        return children.flatMap(conjuncts)
    }

    static let comparisons = [
        "COMPARE_EQUAL": "=", "COMPARE_NOTEQUAL": "<>", "COMPARE_LESSTHAN": "<", "COMPARE_LESSTHANOREQUALTO": "<=",
        "COMPARE_GREATERTHAN": ">", "COMPARE_GREATERTHANOREQUALTO": ">=",
    ]
    /// The operator seen from the other side (`5 < a` is `a > 5`).
    static let mirrored = ["=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="]

    /// The filters one condition is (empty: it cannot be pushed).
    private static func filters(_ expression: [String: Any], columns: [RemoteColumn], qualifier: String)
        -> [RemoteFilter]
    {
        if expression["type"] as? String == "COMPARE_BETWEEN" {
            guard let target = column(expression["input"], columns: columns, qualifier: qualifier),
                let lower = literal(expression["lower"], for: target),
                let upper = literal(expression["upper"], for: target)
            else { return [] }
            return [.compare(target, ">=", lower), .compare(target, "<=", upper)]
        }
        return filter(expression, columns: columns, qualifier: qualifier).map { [$0] } ?? []
    }

    private static func filter(_ expression: [String: Any], columns: [RemoteColumn], qualifier: String)
        -> RemoteFilter?
    {
        let type = expression["type"] as? String ?? ""
        let column = { (value: Any?) in Self.column(value, columns: columns, qualifier: qualifier) }
        if let op = comparisons[type] {
            if let target = column(expression["left"]), let value = literal(expression["right"], for: target) {
                return .compare(target, op, value)
            }
            if let target = column(expression["right"]), let value = literal(expression["left"], for: target) {
                return .compare(target, mirrored[op]!, value)
            }
            return nil
        }
        switch type {
        case "COMPARE_IN":
            guard let children = expression["children"] as? [Any], children.count >= 2,
                let target = column(children[0])
            else { return nil }
            let values = children.dropFirst().map { literal($0, for: target) }
            guard values.allSatisfy({ $0 != nil }) else { return nil }
            return .isIn(target, values.map { $0! })
        case "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL":
            guard let children = expression["children"] as? [Any], children.count == 1, let target = column(children[0])
            else { return nil }
            return type == "OPERATOR_IS_NULL" ? .isNull(target) : .isNotNull(target)
        default:
            return nil
        }
    }

    private static func column(_ value: Any?, columns: [RemoteColumn], qualifier: String) -> RemoteColumn? {
        guard let object = value as? [String: Any], object["class"] as? String == "COLUMN_REF",
            let names = object["column_names"] as? [String], !names.isEmpty, names.count <= 2
        else { return nil }
        if names.count == 2, names[0].lowercased() != qualifier.lowercased() { return nil }
        let name = names.last!.lowercased()
        return columns.first { $0.name.lowercased() == name }
    }

    private static func literal(_ value: Any?, for column: RemoteColumn) -> RemoteLiteral? {
        guard let object = value as? [String: Any] else { return nil }
        if object["class"] as? String == "CAST" {
            // `DATE '2024-01-01'`, `TIMESTAMP '…'`: the string, for a date or time column.
            guard column.family == .time, object["try_cast"] as? Bool != true,
                let typeName = (object["type_expr"] as? [String: Any])?["type_name"] as? String,
                ["DATE", "TIMESTAMP"].contains(typeName.uppercased()),
                case .string(let text)? = constant(object["child"])
            else { return nil }
            return .string(text)
        }
        guard let constant = constant(object) else { return nil }
        switch (constant, column.family) {
        case (.number, .number), (.string, .text), (.string, .time): return constant
        default: return nil
        }
    }

    private static func constant(_ value: Any?) -> RemoteLiteral? {
        guard let object = value as? [String: Any], object["class"] as? String == "CONSTANT",
            let literal = object["literal"] as? [String: Any], let kind = literal["kind"] as? String,
            let text = literal["text"] as? String
        else { return nil }
        switch kind {
        case "STRING": return .string(text)
        case "INTEGER", "BIGINT", "HUGEINT", "NUMERIC", "DECIMAL", "DOUBLE":
            return isNumber(text) ? .number(text) : nil
        default: return nil
        }
    }

    /// `-12`, `3.5`, `1e3`: digits with an optional sign, fraction and exponent, nothing else. (A byte
    /// scan: it runs for every numeric value a remote table returns.)
    public static func isNumber(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        var byte = bytes.next()
        if byte == UInt8(ascii: "-") { byte = bytes.next() }
        func digits() -> Bool {
            var count = 0
            while let current = byte, current >= 48, current <= 57 {
                count += 1
                byte = bytes.next()
            }
            return count > 0
        }
        guard digits() else { return false }
        if byte == UInt8(ascii: ".") {
            byte = bytes.next()
            guard digits() else { return false }
        }
        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            byte = bytes.next()
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") { byte = bytes.next() }
            guard digits() else { return false }
        }
        return byte == nil
    }

    private static func limit(of select: [String: Any]) -> Int? {
        guard (select["group_expressions"] as? [Any])?.isEmpty ?? true,
            select["having"] is NSNull || select["having"] == nil,
            select["qualify"] is NSNull || select["qualify"] == nil,
            select["sample"] is NSNull || select["sample"] == nil,
            let selectList = select["select_list"] as? [[String: Any]],
            selectList.allSatisfy({ ["COLUMN_REF", "STAR", "CONSTANT"].contains($0["class"] as? String ?? "") }),
            let modifiers = select["modifiers"] as? [[String: Any]]
        else { return nil }
        var limit: Int?
        for modifier in modifiers {
            switch modifier["type"] as? String {
            case "LIMIT_MODIFIER":
                guard case .number(let text)? = constant(modifier["limit"]), let count = Int(text), count >= 0
                else { return nil }
                var offset = 0
                if let value = modifier["offset"], !(value is NSNull) {
                    guard case .number(let text)? = constant(value), let number = Int(text), number >= 0 else {
                        return nil
                    }
                    offset = number
                }
                limit = count + offset
            default:
                return nil  // ORDER BY, DISTINCT, LIMIT PERCENT: every row is needed
            }
        }
        return limit
    }
}
