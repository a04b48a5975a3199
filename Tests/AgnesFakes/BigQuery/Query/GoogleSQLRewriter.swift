import Foundation

/// GoogleSQL rewritten for DuckDB, with what the byte estimate needs to know about it.
struct RewrittenQuery {
    var sql: String
    /// The tables and views it names, in order of appearance.
    var tables: [BigQueryTableID]
    /// Every name it uses, lowercased: the columns it may read are among them.
    var names: Set<String>
    /// Whether it has a `*` that selects every column.
    var readsAllColumns: Bool
}

/// Rewrites the GoogleSQL of one query for DuckDB, token by token: table paths after FROM, JOIN and
/// the commas of a FROM list (`` `proj.ds.tbl` ``, `` `proj`.`ds`.`tbl` ``, `proj.ds.tbl`, `my-proj.ds.tbl`,
/// `ds.tbl` in the default project, `tbl` in the default dataset) become `"proj"."ds"."tbl"`; other
/// backticked names become double-quoted ones; string literals (`"…"` is a string in GoogleSQL)
/// become `'…'`, bytes literals BLOBs; `#` comments go; `SAFE_CAST` becomes `TRY_CAST`, `* EXCEPT`
/// `* EXCLUDE`, and the GoogleSQL type names of CASTs and typed literals DuckDB's.
struct GoogleSQLRewriter {
    /// The project of `ds.tbl` paths.
    let defaultProject: String
    /// The dataset of bare `tbl` names, if the request set one.
    let defaultDataset: BigQueryDatasetID?

    /// GoogleSQL types by the DuckDB type the fake stores them as.
    static let types: [String: String] = [
        "INT64": "BIGINT", "INTEGER": "BIGINT", "FLOAT64": "DOUBLE", "NUMERIC": "DECIMAL(38,9)",
        "DECIMAL": "DECIMAL(38,9)", "BIGNUMERIC": "DECIMAL(38,18)", "BIGDECIMAL": "DECIMAL(38,18)",
        "BOOL": "BOOLEAN", "STRING": "VARCHAR", "BYTES": "BLOB", "DATETIME": "TIMESTAMP",
        "TIMESTAMP": "TIMESTAMPTZ", "GEOGRAPHY": "VARCHAR", "DATE": "DATE", "TIME": "TIME",
    ]

    /// Functions whose arguments use FROM as a keyword: `EXTRACT(YEAR FROM ts)`.
    private static let takesFrom: Set<String> = ["EXTRACT", "TRIM", "SUBSTRING", "SUBSTR", "OVERLAY", "POSITION"]

    private static let clauseEnds: Set<String> = [
        "WHERE", "GROUP", "HAVING", "QUALIFY", "WINDOW", "ORDER", "LIMIT", "UNION", "INTERSECT", "EXCEPT", "ON",
        "USING", "SELECT",
    ]

    func rewrite(_ sql: String) throws(BigQueryError) -> RewrittenQuery {
        let tokens = try GoogleSQLLexer.tokens(sql)
        let cteNames = Self.cteNames(tokens)
        var output = ""
        var rewritten = RewrittenQuery(sql: "", tables: [], names: [], readsAllColumns: false)
        var functions: [String?] = []  // the function each open parenthesis belongs to
        var fromListDepth: Int?
        var expectsTable = false
        var previous: GoogleSQLToken?
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            defer { if token.isSignificant { previous = token } }
            index += 1
            switch token.kind {
            case .space:
                output += token.text
                continue
            case .comment:
                output += " "
                continue
            default:
                break
            }
            if expectsTable {
                expectsTable = false
                if token.kind == .quotedName || (token.kind == .word && !token.isWord("UNNEST", "LATERAL")) {
                    let (parts, end) = Self.path(tokens, from: index - 1)
                    index = end
                    if parts.count == 1, cteNames.contains(parts[0].lowercased()) {
                        output += DuckDBNames.quoted(parts[0])
                    } else {
                        let table = try resolve(parts)
                        rewritten.tables.append(table)
                        output += table.duckDBName
                    }
                    continue
                }
            }
            switch token.kind {
            case .word:
                let upper = token.text.uppercased()
                rewritten.names.insert(token.text.lowercased())
                if upper == "JOIN" || (upper == "FROM" && !Self.takesFrom.contains(functions.last.flatMap { $0 } ?? ""))
                {
                    expectsTable = true
                    if upper == "FROM" { fromListDepth = functions.count }
                } else if Self.clauseEnds.contains(upper), fromListDepth == functions.count {
                    fromListDepth = nil
                }
                if upper == "SAFE_CAST" {
                    output += "TRY_CAST"
                } else if upper == "EXCEPT", previous?.isSymbol("*") == true {
                    output += "EXCLUDE"
                } else if let type = Self.types[upper], previous?.isWord("AS") == true,
                    functions.last == "CAST" || functions.last == "SAFE_CAST"
                {
                    let hasParameters = Self.nextSignificant(tokens, after: index)?.isSymbol("(") == true
                    output += hasParameters && type.hasPrefix("DECIMAL") ? "DECIMAL" : type
                } else if let type = Self.types[upper], previous?.isSymbol(".") != true,
                    let literal = Self.nextSignificant(tokens, after: index), literal.kind == .string
                {
                    output += "CAST(\(Self.literal(literal.value)) AS \(type))"
                    index = tokens[index...].firstIndex(of: literal)! + 1
                } else {
                    output += token.text
                }
            case .quotedName:
                rewritten.names.insert(token.value.lowercased())
                output += DuckDBNames.quoted(token.value)
            case .string:
                output += Self.literal(token.value)
            case .bytes:
                let hex = token.value.utf8.map { byte in (byte < 16 ? "\\x0" : "\\x") + String(byte, radix: 16) }
                output += "'" + hex.joined() + "'::BLOB"
            case .symbol where token.text == "(":
                functions.append(previous?.kind == .word ? previous!.text.uppercased() : nil)
                output += token.text
            case .symbol where token.text == ")":
                _ = functions.popLast()
                if let depth = fromListDepth, depth > functions.count { fromListDepth = nil }
                output += token.text
            case .symbol where token.text == ",":
                if fromListDepth == functions.count { expectsTable = true }
                output += token.text
            case .symbol where token.text == "*":
                if previous?.isWord("SELECT", "DISTINCT", "ALL") == true || previous?.isSymbol(",") == true
                    || previous?.isSymbol(".") == true
                {
                    rewritten.readsAllColumns = true
                }
                output += token.text
            default:
                output += token.text
            }
        }
        rewritten.sql = output
        return rewritten
    }

    /// The table a path of one, two or three parts names.
    private func resolve(_ parts: [String]) throws(BigQueryError) -> BigQueryTableID {
        switch parts.count {
        case 3:
            return BigQueryTableID(project: parts[0], dataset: parts[1], table: parts[2])
        case 2:
            return BigQueryTableID(project: defaultProject, dataset: parts[0], table: parts[1])
        case 1:
            guard let defaultDataset else {
                throw .invalidQuery(
                    "Table \"\(parts[0])\" must be qualified with a dataset (e.g. dataset.table).")
            }
            return BigQueryTableID(project: defaultDataset.project, dataset: defaultDataset.dataset, table: parts[0])
        default:
            throw .invalidQuery("Invalid table name: \(parts.joined(separator: "."))")
        }
    }

    /// The parts of the path starting at `start` and the index after it: names joined by `.` (a
    /// backticked name may hold dots itself), the first of them possibly a project id with dashes.
    private static func path(_ tokens: [GoogleSQLToken], from start: Int) -> (parts: [String], end: Int) {
        var parts: [String] = []
        var index = start
        while index < tokens.count {
            let token = tokens[index]
            if token.kind == .quotedName {
                parts += token.value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                index += 1
            } else if token.kind == .word || token.kind == .number {
                var name = token.text
                index += 1
                while parts.isEmpty, index + 1 < tokens.count, tokens[index].isSymbol("-"),
                    [.word, .number].contains(tokens[index + 1].kind)
                {
                    name += "-" + tokens[index + 1].text
                    index += 2
                }
                parts.append(name)
            } else {
                break
            }
            guard index + 1 < tokens.count, tokens[index].isSymbol("."),
                [.word, .quotedName].contains(tokens[index + 1].kind)
            else { break }
            index += 1
        }
        return (parts, index)
    }

    /// The names a WITH clause defines: a name followed by `AS (`.
    private static func cteNames(_ tokens: [GoogleSQLToken]) -> Set<String> {
        let significant = tokens.filter(\.isSignificant)
        var names: Set<String> = []
        for index in significant.indices.dropLast(2)
        where [.word, .quotedName].contains(significant[index].kind) && significant[index + 1].isWord("AS")
            && significant[index + 2].isSymbol("(")
        {
            names.insert(significant[index].value.lowercased())
        }
        return names
    }

    private static func nextSignificant(_ tokens: [GoogleSQLToken], after index: Int) -> GoogleSQLToken? {
        tokens[index...].first(where: \.isSignificant)
    }

    /// A DuckDB string literal.
    static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
