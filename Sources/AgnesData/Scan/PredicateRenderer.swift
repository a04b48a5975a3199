import Foundation

/// Walks the expression tree DuckDB's parser made of a WHERE predicate (`json_serialize_sql`) and
/// renders it again as SQL from the tree alone, allowing only what a row filter needs: columns of the
/// table, constants, comparisons, AND/OR/NOT, IS [NOT] NULL, [NOT] IN lists, BETWEEN, [I]LIKE, CASE,
/// arithmetic, casts to scalar types and the functions of ``PredicateRenderer/functions``.
///
/// The output never contains the user's text: identifiers are the table's own column names,
/// double-quoted; strings are re-quoted with quotes doubled; numbers are re-checked digit by digit;
/// every operator comes from a fixed table; every sub-expression is parenthesised.
struct PredicateRenderer {
    typealias Node = [String: Any]

    /// The table id (the only qualifier a column may carry).
    let table: String
    /// The table's column names, as the table spells them.
    let columns: [String]
    /// Deepest nesting accepted.
    var maxDepth = 64
    /// Most nodes accepted.
    var maxNodes = 2_000
    /// Longest regular expression accepted (RE2 is linear-time; the cap bounds compile cost).
    var maxPatternLength = 256

    private var nodes = 0

    init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    /// Renders the predicate, or throws why it is not allowed.
    mutating func render(_ node: Node) throws(ScanRejection) -> String {
        nodes = 0
        return try expression(node, depth: 0)
    }

    mutating func expression(_ node: Node, depth: Int) throws(ScanRejection) -> String {
        nodes += 1
        guard depth <= maxDepth, nodes <= maxNodes else {
            throw ScanRejection(.tooComplex, "the predicate is nested too deeply or has too many terms")
        }
        let nodeClass = node["class"] as? String ?? ""
        let type = node["type"] as? String ?? ""
        switch nodeClass {
        case "CONSTANT": return try constant(node)
        case "COLUMN_REF": return try column(node)
        case "COMPARISON":
            guard let symbol = Self.comparisons[type] else { throw Self.disallowed("comparison \(type)") }
            let left = try expression(try child(node, "left"), depth: depth + 1)
            let right = try expression(try child(node, "right"), depth: depth + 1)
            return "(\(left) \(symbol) \(right))"
        case "CONJUNCTION":
            let joiner: String
            switch type {
            case "CONJUNCTION_AND": joiner = " AND "
            case "CONJUNCTION_OR": joiner = " OR "
            default: throw Self.disallowed("conjunction \(type)")
            }
            let parts = try children(node, "children", depth: depth)
            guard parts.count >= 2 else { throw Self.disallowed("a conjunction of \(parts.count) terms") }
            return "(" + parts.joined(separator: joiner) + ")"
        case "OPERATOR": return try operation(node, type: type, depth: depth)
        case "BETWEEN":
            let input = try expression(try child(node, "input"), depth: depth + 1)
            let lower = try expression(try child(node, "lower"), depth: depth + 1)
            let upper = try expression(try child(node, "upper"), depth: depth + 1)
            return "(\(input) BETWEEN \(lower) AND \(upper))"
        case "CASE": return try caseExpression(node, depth: depth)
        case "CAST": return try cast(node, depth: depth)
        case "FUNCTION": return try function(node, depth: depth)
        case "SUBQUERY": throw ScanRejection(.nestedSelect, "subqueries are not allowed in a scan predicate")
        case "WINDOW": throw Self.disallowed("window functions")
        case "STAR": throw Self.disallowed("* and COLUMNS(…)")
        case "PARAMETER": throw Self.disallowed("parameters ($1, ?, $name)")
        default: throw Self.disallowed(nodeClass.isEmpty ? "an unknown expression" : nodeClass.lowercased())
        }
    }

    private mutating func operation(_ node: Node, type: String, depth: Int) throws(ScanRejection) -> String {
        let parts = try children(node, "children", depth: depth)
        switch (type, parts.count) {
        case ("OPERATOR_NOT", 1): return "(NOT \(parts[0]))"
        case ("OPERATOR_IS_NULL", 1): return "(\(parts[0]) IS NULL)"
        case ("OPERATOR_IS_NOT_NULL", 1): return "(\(parts[0]) IS NOT NULL)"
        case ("COMPARE_IN", 2...): return "(\(parts[0]) IN (\(parts.dropFirst().joined(separator: ", "))))"
        case ("OPERATOR_COALESCE", 1...): return "COALESCE(\(parts.joined(separator: ", ")))"
        case ("COMPARE_NOT_IN", 2...): return "(\(parts[0]) NOT IN (\(parts.dropFirst().joined(separator: ", "))))"
        default: throw Self.disallowed("operator \(type)")
        }
    }

    private mutating func caseExpression(_ node: Node, depth: Int) throws(ScanRejection) -> String {
        guard let checks = node["case_checks"] as? [Node], !checks.isEmpty else { throw Self.disallowed("CASE") }
        var text = "(CASE"
        for check in checks {
            let condition = try expression(try child(check, "when_expr"), depth: depth + 1)
            let value = try expression(try child(check, "then_expr"), depth: depth + 1)
            text += " WHEN \(condition) THEN \(value)"
        }
        if let otherwise = node["else_expr"] as? Node {
            text += " ELSE " + (try expression(otherwise, depth: depth + 1))
        }
        return text + " END)"
    }

    private mutating func cast(_ node: Node, depth: Int) throws(ScanRejection) -> String {
        let value = try expression(try child(node, "child"), depth: depth + 1)
        guard let type = node["type_expr"] as? Node, type["class"] as? String == "TYPE",
            (type["schema"] as? String ?? "").isEmpty, (type["catalog"] as? String ?? "").isEmpty,
            let name = (type["type_name"] as? String)?.uppercased(), let rule = Self.castTypes[name]
        else {
            let name = (node["type_expr"] as? Node)?["type_name"] as? String ?? "?"
            throw Self.disallowed("a cast to \(name) (only scalar types)")
        }
        let modifiers = type["children"] as? [Node] ?? []
        var rendered = name
        switch rule {
        case .plain:
            guard modifiers.isEmpty else { throw Self.disallowed("a cast to \(name) with modifiers") }
        case .ignoredLength:
            guard modifiers.count <= 1, modifiers.allSatisfy(Self.isIntegerConstant) else {
                throw Self.disallowed("a cast to \(name) with modifiers")
            }
        case .precisionAndScale:
            guard modifiers.count <= 2, modifiers.allSatisfy(Self.isIntegerConstant) else {
                throw Self.disallowed("a cast to \(name) with modifiers other than (precision, scale)")
            }
            let numbers = modifiers.compactMap { ($0["literal"] as? Node)?["text"] as? String }
            if !numbers.isEmpty { rendered += "(" + numbers.joined(separator: ", ") + ")" }
        }
        let keyword = node["try_cast"] as? Bool == true ? "TRY_CAST" : "CAST"
        return "\(keyword)(\(value) AS \(rendered))"
    }

    private mutating func function(_ node: Node, depth: Int) throws(ScanRejection) -> String {
        let name = (node["function_name"] as? String ?? "").lowercased()
        let shown = name.isEmpty ? "?" : name
        guard (node["schema"] as? String ?? "").isEmpty, (node["catalog"] as? String ?? "").isEmpty else {
            throw ScanRejection(.unknownFunction, "schema-qualified function \(shown) is not allowed")
        }
        guard node["filter"] == nil || node["filter"] is NSNull, node["distinct"] as? Bool != true,
            node["export_state"] as? Bool != true,
            ((node["order_bys"] as? Node)?["orders"] as? [Any] ?? []).isEmpty
        else { throw Self.disallowed("FILTER, DISTINCT, ORDER BY or EXPORT_STATE in a function call") }
        guard let arguments = node["arguments"] as? [Node] else { throw Self.disallowed("function \(shown)") }
        var values: [Node] = []
        for argument in arguments {
            guard (argument["name"] as? String ?? "").isEmpty, let value = argument["expression"] as? Node else {
                throw Self.disallowed("named arguments")
            }
            values.append(value)
        }
        let isOperator = node["is_operator"] as? Bool == true
        if isOperator, let symbol = Self.binaryOperators[name], values.count == 2 {
            let left = try expression(values[0], depth: depth + 1)
            let right = try expression(values[1], depth: depth + 1)
            return "(\(left) \(symbol) \(right))"
        }
        if isOperator, name == "-" || name == "+", values.count == 1 {
            return "(\(name)\(try expression(values[0], depth: depth + 1)))"
        }
        guard let rendered = Self.functions[name] else {
            throw ScanRejection(.unknownFunction, "function \(shown) is not allowed in a scan predicate")
        }
        if Self.regexFunctions.contains(name) { try checkPattern(values, function: name) }
        var parts: [String] = []
        for value in values { parts.append(try expression(value, depth: depth + 1)) }
        return "\(rendered)(\(parts.joined(separator: ", ")))"
    }

    /// A regular expression must be a short constant string; its options too.
    private func checkPattern(_ values: [Node], function name: String) throws(ScanRejection) {
        guard values.count >= 2, let pattern = Self.stringConstant(values[1]) else {
            throw Self.disallowed("\(name) with a pattern that is not a constant string")
        }
        guard pattern.count <= maxPatternLength else {
            throw Self.disallowed("\(name) with a pattern longer than \(maxPatternLength) characters")
        }
        guard values.dropFirst(2).allSatisfy({ $0["class"] as? String == "CONSTANT" }) else {
            throw Self.disallowed("\(name) with options that are not constants")
        }
    }

    private func constant(_ node: Node) throws(ScanRejection) -> String {
        guard let literal = node["literal"] as? Node, let kind = literal["kind"] as? String,
            let text = literal["text"] as? String
        else { throw Self.disallowed("a constant of an unknown form") }
        switch kind {
        case "STRING":
            guard !text.contains("\0") else { throw Self.disallowed("a string containing a NUL character") }
            return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case "INTEGER", "NUMERIC":
            guard Self.isNumber(text) else { throw Self.disallowed("the number \(text)") }
            return text.hasPrefix("-") ? "(\(text))" : text
        case "BOOLEAN":
            switch text.lowercased() {
            case "true": return "TRUE"
            case "false": return "FALSE"
            default: throw Self.disallowed("the boolean \(text)")
            }
        case "NULL_LITERAL": return "NULL"
        default: throw Self.disallowed("a \(kind.lowercased()) literal")
        }
    }

    private func column(_ node: Node) throws(ScanRejection) -> String {
        guard let names = node["column_names"] as? [String], let name = names.last else {
            throw Self.disallowed("a column reference of an unknown form")
        }
        switch names.count {
        case 1: break
        case 2 where names[0].lowercased() == table.lowercased(): break
        default:
            throw ScanRejection(
                .crossTableReference,
                "\(names.joined(separator: ".")) does not name a column of \(table); qualify columns with \(table) or not at all"
            )
        }
        if let exact = columns.first(where: { $0 == name })
            ?? columns.first(where: {
                $0.lowercased() == name.lowercased()
            })
        {
            return SQLText.identifier(exact)
        }
        if names.count == 1, let keyword = Self.dateKeywords.first(where: { $0.lowercased() == name.lowercased() }) {
            return keyword
        }
        throw ScanRejection(.unknownColumn, "\(table) has no column \(name)")
    }

    private func child(_ node: Node, _ key: String) throws(ScanRejection) -> Node {
        guard let value = node[key] as? Node else { throw Self.disallowed("an expression missing its \(key)") }
        return value
    }

    private mutating func children(_ node: Node, _ key: String, depth: Int) throws(ScanRejection) -> [String] {
        guard let values = node[key] as? [Node] else { throw Self.disallowed("an expression missing its \(key)") }
        var parts: [String] = []
        for value in values { parts.append(try expression(value, depth: depth + 1)) }
        return parts
    }

    static func disallowed(_ what: String) -> ScanRejection {
        ScanRejection(.disallowedNode, "\(what) not allowed in a scan predicate")
    }

    static func isIntegerConstant(_ node: Node) -> Bool {
        guard node["class"] as? String == "CONSTANT", let literal = node["literal"] as? Node,
            literal["kind"] as? String == "INTEGER", let text = literal["text"] as? String
        else { return false }
        return !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func stringConstant(_ node: Node) -> String? {
        guard node["class"] as? String == "CONSTANT", let literal = node["literal"] as? Node,
            literal["kind"] as? String == "STRING"
        else { return nil }
        return literal["text"] as? String
    }

    /// Digits with at most a leading minus, `_` separators, one point and an exponent: what DuckDB's
    /// lexer produces for a number, checked again so nothing else can pass as one.
    static func isNumber(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasPrefix("-") { body = body.dropFirst() }
        let parts = body.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false).flatMap {
            $0.split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false)
        }
        guard (1...2).contains(parts.count) else { return false }
        let mantissa = parts[0]
        guard mantissa.contains(where: \.isASCIIDigit), mantissa.filter({ $0 == "." }).count <= 1,
            mantissa.allSatisfy({ $0.isASCIIDigit || $0 == "_" || $0 == "." })
        else { return false }
        if parts.count == 2 {
            var exponent = parts[1]
            if exponent.hasPrefix("+") || exponent.hasPrefix("-") { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.allSatisfy(\.isASCIIDigit) else { return false }
        }
        return true
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
