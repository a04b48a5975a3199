import Foundation

/// The subset of JQL the fake understands: clauses joined by `AND` on `project`, `key`/`issuekey`,
/// `status`, `statusCategory`, `created`, `updated` (`=`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not in`),
/// then an optional `ORDER BY` of `key`, `created`, `updated` each `ASC` or `DESC`.
struct JiraJQL: Sendable {
    struct Clause: Sendable {
        var field: String
        var op: String
        var values: [String]
    }

    struct Order: Sendable {
        var field: String
        var isAscending: Bool
    }

    /// A JQL the fake refuses, with the message Jira would give.
    struct Failure: Error {
        let message: String

        static func syntax(_ text: String, at offset: Int) -> Failure {
            Failure(message: "Error in the JQL Query: \(text) (line 1, character \(offset + 1))")
        }
    }

    static let operators =
        "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'."
    static let fields: Set<String> = ["project", "key", "issuekey", "status", "statuscategory", "created", "updated"]
    static let dateFields: Set<String> = ["created", "updated"]

    var clauses: [Clause] = []
    var order: [Order] = []

    init(_ text: String) throws(Failure) {
        var tokens = try JiraJQLTokens(text)
        guard !tokens.isAtEnd else { throw Failure(message: Self.unbounded) }
        if !tokens.peekWord("order") {
            repeat { clauses.append(try Self.clause(&tokens)) } while tokens.takeWord("and")
        }
        if tokens.takeWord("order") {
            guard tokens.takeWord("by") else { throw tokens.unexpected("Expecting 'by'") }
            repeat { order.append(try Self.order(&tokens)) } while tokens.take(",")
        }
        guard tokens.isAtEnd else {
            if tokens.peekWord("or") || tokens.peekWord("not") {
                throw Failure.syntax("The fake Jira supports only AND between clauses.", at: tokens.offset)
            }
            throw tokens.unexpected("Expecting either 'OR' or 'AND'")
        }
        guard !clauses.isEmpty else { throw Failure(message: Self.unbounded) }
    }

    static let unbounded = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."

    static func clause(_ tokens: inout JiraJQLTokens) throws(Failure) -> Clause {
        guard case .word(let name)? = tokens.current?.kind else {
            throw tokens.unexpected("Expecting a field name")
        }
        let field = name.lowercased()
        guard fields.contains(field) else {
            throw Failure(message: "Field '\(name)' does not exist or you do not have permission to view it.")
        }
        tokens.advance()
        let op: String
        if tokens.takeWord("in") {
            op = "in"
        } else if tokens.takeWord("not") {
            guard tokens.takeWord("in") else { throw tokens.unexpected("Expecting operator") }
            op = "not in"
        } else if case .symbol(let symbol)? = tokens.current?.kind, ["=", "!=", "<", "<=", ">", ">="].contains(symbol) {
            op = symbol
            tokens.advance()
        } else {
            throw tokens.unexpected("Expecting operator", suffix: " " + operators)
        }
        var values: [String] = []
        if op == "in" || op == "not in" {
            guard tokens.take("(") else { throw tokens.unexpected("Expecting '('") }
            repeat { values.append(try value(&tokens)) } while tokens.take(",")
            guard tokens.take(")") else { throw tokens.unexpected("Expecting ')'") }
        } else {
            values.append(try value(&tokens))
        }
        if dateFields.contains(field) {
            guard op != "in" && op != "not in" else {
                throw Failure.syntax("The fake Jira does not support 'IN' on dates.", at: tokens.offset)
            }
            for value in values where JiraDate.jql(value, now: Date()) == nil {
                throw Failure(
                    message: "Date value '\(value)' for field '\(field)' is invalid. Valid formats include: "
                        + "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format "
                        + "e.g. '-5d', '4w 2d'.")
            }
        } else if !["=", "!=", "in", "not in"].contains(op) {
            throw Failure(message: "The operator '\(op)' is not supported by the '\(name)' field.")
        }
        return Clause(field: field == "issuekey" ? "key" : field, op: op, values: values)
    }

    static func value(_ tokens: inout JiraJQLTokens) throws(Failure) -> String {
        switch tokens.current?.kind {
        case .string(let text)?:
            tokens.advance()
            return text
        case .word(let text)?:
            if text.hasSuffix("()") || tokens.peekSymbol("(", offset: 1) {
                throw Failure.syntax("The fake Jira does not support JQL functions.", at: tokens.offset)
            }
            tokens.advance()
            return text
        default:
            throw tokens.unexpected("Expecting either a value, list or function")
        }
    }

    static func order(_ tokens: inout JiraJQLTokens) throws(Failure) -> Order {
        guard case .word(let name)? = tokens.current?.kind else { throw tokens.unexpected("Expecting a field name") }
        let field = name.lowercased() == "issuekey" ? "key" : name.lowercased()
        guard ["key", "created", "updated"].contains(field) else {
            throw Failure(message: "Not able to sort using field '\(name)'.")
        }
        tokens.advance()
        if tokens.takeWord("desc") { return Order(field: field, isAscending: false) }
        _ = tokens.takeWord("asc")
        return Order(field: field, isAscending: true)
    }

    // MARK: Evaluation

    func matches(_ issue: FakeJiraIssue, now: Date) -> Bool {
        clauses.allSatisfy { clause in
            switch clause.field {
            case "created", "updated":
                let value = clause.field == "created" ? issue.created : (issue.updated ?? issue.created)
                guard let bound = JiraDate.jql(clause.values[0], now: now) else { return false }
                switch clause.op {
                case "=": return value == bound
                case "!=": return value != bound
                case "<": return value < bound
                case "<=": return value <= bound
                case ">": return value > bound
                default: return value >= bound
                }
            default:
                let isMember = clause.values.contains { Self.equals(issue, field: clause.field, $0) }
                return clause.op == "=" || clause.op == "in" ? isMember : !isMember
            }
        }
    }

    static func equals(_ issue: FakeJiraIssue, field: String, _ value: String) -> Bool {
        switch field {
        case "project":
            return issue.projectKey.caseInsensitiveCompare(value) == .orderedSame
                || issue.projectName.caseInsensitiveCompare(value) == .orderedSame
                || FakeJiraIssue.numericID("project:" + issue.projectKey) == value
        case "key": return issue.key.caseInsensitiveCompare(value) == .orderedSame || issue.id == value
        case "status": return issue.status.caseInsensitiveCompare(value) == .orderedSame
        default:
            let category = issue.statusCategory
            return [category.name, category.rawValue, String(category.id)].contains {
                $0.caseInsensitiveCompare(value) == .orderedSame
            }
        }
    }

    /// Whether `a` comes before `b`: the ORDER BY, then key ascending (also the order without ORDER BY).
    func precedes(_ a: FakeJiraIssue, _ b: FakeJiraIssue) -> Bool {
        for order in order + [Order(field: "key", isAscending: true)] {
            let result: ComparisonResult
            switch order.field {
            case "created": result = Self.compare(a.created, b.created)
            case "updated": result = Self.compare(a.updated ?? a.created, b.updated ?? b.created)
            default:
                let project = a.projectKey.compare(b.projectKey)
                result = project != .orderedSame ? project : Self.compare(a.keyNumber, b.keyNumber)
            }
            if result != .orderedSame { return (result == .orderedAscending) == order.isAscending }
        }
        return false
    }

    static func compare<T: Comparable>(_ a: T, _ b: T) -> ComparisonResult {
        a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
    }
}
