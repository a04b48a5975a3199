import DuckDB
import Foundation

/// Checks a scan's WHERE predicate with DuckDB's own parser and re-renders it from the parse tree
/// (REFERENCE §7, `spec/SECURITY.md`): the text is parsed as `SELECT * FROM t WHERE <predicate>` by
/// `json_serialize_sql` (the predicate bound as a parameter) on a private in-memory database that holds
/// nothing and reaches nothing; the tree must be exactly one SELECT with nothing after the predicate,
/// and the predicate must pass ``PredicateRenderer``. Only the rendered SQL is ever executed.
///
/// ```swift
/// let validator = try WhereValidator()
/// let sql = try await validator.validate("lower(status) = 'paid'", table: "orders", columns: ["id", "status"])
/// // (lower("status") = 'paid')
/// ```
public final class WhereValidator: Sendable {
    /// Longest predicate text accepted, in bytes.
    public static let maxLength = 8 * 1024

    let connection: SerializedConnection

    /// Opens the parser's private in-memory database. Blocking (cheap).
    public init() throws {
        let database = try Database(options: [
            "threads": "1",
            "memory_limit": "64MB",
            "autoload_known_extensions": "false",
            "autoinstall_known_extensions": "false",
            "enable_external_access": "false",
            "lock_configuration": "true",
        ])
        connection = try SerializedConnection(database: database, label: "scan-where")
    }

    /// The predicate rendered from its parse tree, or why it is refused.
    /// `columns` are the table's column names as the table spells them.
    public func validate(_ predicate: String, table: String, columns: [String]) async throws(ScanRejection) -> String {
        guard predicate.utf8.count <= Self.maxLength else {
            throw ScanRejection(.tooComplex, "the predicate is longer than \(Self.maxLength) bytes")
        }
        guard !predicate.contains("\0") else {
            throw ScanRejection(.parseError, "the predicate contains a NUL character")
        }
        let serialized: String
        do {
            serialized = try await connection.run { connection in
                try connection.query(
                    "SELECT json_serialize_sql(?)", [.varchar("SELECT * FROM __agnes_scan WHERE " + predicate)]
                ).rows.first?.first?.string ?? ""
            }
        } catch {
            throw ScanRejection(.parseError, "the predicate cannot be parsed")
        }
        let whereClause = try Self.whereClause(of: serialized)
        var renderer = PredicateRenderer(table: table, columns: columns)
        return try renderer.render(whereClause)
    }

    /// The WHERE expression of the serialized statement, after checking the statement is exactly
    /// `SELECT * FROM t WHERE …` with no other clause.
    static func whereClause(of serialized: String) throws(ScanRejection) -> PredicateRenderer.Node {
        guard let object = try? JSONSerialization.jsonObject(with: Data(serialized.utf8)),
            let root = object as? PredicateRenderer.Node
        else { throw ScanRejection(.tooComplex, "the predicate's parse tree is too deep to read") }
        if root["error"] as? Bool == true {
            let message = root["error_message"] as? String ?? "syntax error"
            if message.hasPrefix("Only SELECT statements") {
                throw ScanRejection(.multiStatement, "only one predicate is allowed: a second statement follows it")
            }
            throw ScanRejection(.parseError, message)
        }
        guard let statements = root["statements"] as? [PredicateRenderer.Node], !statements.isEmpty else {
            throw ScanRejection(.parseError, "the predicate cannot be parsed")
        }
        guard statements.count == 1 else {
            throw ScanRejection(.multiStatement, "only one predicate is allowed: \(statements.count) statements found")
        }
        guard let node = statements[0]["node"] as? PredicateRenderer.Node, node["type"] as? String == "SELECT_NODE"
        else {
            throw PredicateRenderer.disallowed("UNION, INTERSECT, EXCEPT and other set operations")
        }
        let isEmpty: (String) -> Bool = { key in
            switch node[key] {
            case nil, is NSNull: return true
            case let list as [Any]: return list.isEmpty
            default: return false
            }
        }
        let cteCount = ((node["cte_map"] as? PredicateRenderer.Node)?["map"] as? [Any])?.count ?? 0
        guard isEmpty("modifiers"), isEmpty("group_expressions"), isEmpty("group_sets"), isEmpty("having"),
            isEmpty("qualify"), isEmpty("sample"), cteCount == 0,
            (node["aggregate_handling"] as? String ?? "STANDARD_HANDLING") == "STANDARD_HANDLING"
        else {
            throw PredicateRenderer.disallowed(
                "ORDER BY, LIMIT, GROUP BY, HAVING, QUALIFY or other clauses after the predicate")
        }
        guard let clause = node["where_clause"] as? PredicateRenderer.Node else {
            throw ScanRejection(.parseError, "the predicate is empty")
        }
        return clause
    }
}
