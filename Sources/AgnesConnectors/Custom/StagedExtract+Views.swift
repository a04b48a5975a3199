import AgnesCore
import DuckDB
import Foundation

extension StagedExtract {
    /// Parquet readers a view may name.
    static let parquetReaders: Set<String> = ["read_parquet", "parquet_scan"]

    /// Where a view's rows come from. The view's SQL (as DuckDB stores it: `CREATE VIEW <name> AS
    /// <select>;`) is parsed by DuckDB itself (`json_serialize_sql`: parsing reads nothing). `SELECT * FROM read_parquet(<paths>)` (or `FROM '<file>.parquet'`) gives its files,
    /// which must lie inside `output`; any other query is converted on the sandbox, after its file paths
    /// (constant arguments of table functions, file names in `FROM`) are checked to lie inside `output`.
    static func viewRows(name: Identifier, sql: String, output: URL, parser: Connection) throws(CustomConnectorError)
        -> Rows
    {
        guard let select = selectText(of: sql, name: name) else { return .relation }
        guard let tree = parse(select, on: parser) else {
            throw CustomConnectorError(.invalidOutput, "view \(name): its definition cannot be parsed")
        }
        if let paths = parquetPaths(of: tree) {
            return try parquetRows(view: name, paths: paths, output: output)
        }
        var paths: [String] = []
        collectFilePaths(in: tree, into: &paths)
        for path in paths where resolve(path, in: output) == nil {
            throw CustomConnectorError(
                .outsideDirectory, "view \(name) reads \(path), outside the connector's output directory")
        }
        if let relative = paths.first(where: { !$0.hasPrefix("/") }) {
            throw CustomConnectorError(
                .invalidOutput,
                "view \(name) reads \(relative) by a relative path in a query other than SELECT * FROM read_parquet(...): make it that, store its rows in a table, or name the file by its absolute path inside AGNES_OUTPUT_DIR"
            )
        }
        return .relation
    }

    /// The `SELECT …` of a stored view definition, nil when it has another shape (column aliases).
    static func selectText(of sql: String, name: Identifier) -> String? {
        var text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasSuffix(";") { text.removeLast() }
        for prefix in ["CREATE VIEW \(name.rawValue) AS ", "CREATE VIEW \"\(name.rawValue)\" AS "]
        where text.hasPrefix(prefix) {
            return String(text.dropFirst(prefix.count))
        }
        return nil
    }

    /// The parse tree of one SELECT statement.
    private static func parse(_ select: String, on connection: Connection) -> [String: Any]? {
        guard
            let json = try? connection.query("SELECT json_serialize_sql(?)", [.varchar(select)]).rows.first?[0].string,
            let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            object["error"] as? Bool == false,
            let statements = object["statements"] as? [[String: Any]], statements.count == 1,
            let node = statements[0]["node"] as? [String: Any]
        else { return nil }
        return node
    }

    /// The paths of `SELECT * FROM read_parquet('a' | ['a', 'b'])` or `SELECT * FROM 'a.parquet'`, with
    /// nothing else in the query; nil for any other query.
    static func parquetPaths(of node: [String: Any]) -> [String]? {
        guard node["type"] as? String == "SELECT_NODE", isEmpty(node["modifiers"]),
            isEmpty((node["cte_map"] as? [String: Any])?["map"]),
            ["where_clause", "having", "qualify", "sample"].allSatisfy({ isEmpty(node[$0]) }),
            isEmpty(node["group_expressions"]),
            let selectList = node["select_list"] as? [[String: Any]], selectList.count == 1,
            selectList[0]["class"] as? String == "STAR", isEmpty(selectList[0]["expr"]),
            (selectList[0]["relation_name"] as? String ?? "").isEmpty,
            ["exclude_list", "replace_list", "rename_list", "qualified_exclude_list"].allSatisfy({
                isEmpty(selectList[0][$0])
            }),
            selectList[0]["columns"] as? Bool != true,
            let from = node["from_table"] as? [String: Any], isEmpty(from["column_name_alias"]), isEmpty(from["sample"])
        else { return nil }
        switch from["type"] as? String {
        case "BASE_TABLE":
            guard let file = from["table_name"] as? String, file.lowercased().hasSuffix(".parquet"),
                (from["schema_name"] as? String ?? "").isEmpty, (from["catalog_name"] as? String ?? "").isEmpty,
                isEmpty(from["at_clause"])
            else { return nil }
            return [file]
        case "TABLE_FUNCTION":
            guard let function = from["function"] as? [String: Any],
                let functionName = (function["function_name"] as? String)?.lowercased(),
                parquetReaders.contains(functionName), (function["schema"] as? String ?? "").isEmpty,
                (function["catalog"] as? String ?? "").isEmpty,
                let arguments = function["arguments"] as? [[String: Any]], arguments.count == 1,
                (arguments[0]["name"] as? String ?? "").isEmpty,
                let expression = arguments[0]["expression"] as? [String: Any]
            else { return nil }
            if let path = stringConstant(expression) { return [path] }
            guard expression["class"] as? String == "FUNCTION", expression["function_name"] as? String == "list_value",
                let items = expression["arguments"] as? [[String: Any]], !items.isEmpty
            else { return nil }
            let paths = items.compactMap { ($0["expression"] as? [String: Any]).flatMap(stringConstant) }
            return paths.count == items.count ? paths : nil
        default:
            return nil
        }
    }

    /// Every string constant among table functions' arguments and every file name in `FROM`, anywhere
    /// in the tree (subqueries, joins, CTEs).
    static func collectFilePaths(in value: Any, into paths: inout [String], insideTableFunction: Bool = false) {
        if let object = value as? [String: Any] {
            if insideTableFunction, let text = stringConstant(object) { paths.append(text) }
            if object["type"] as? String == "BASE_TABLE", let name = object["table_name"] as? String,
                name.contains("/") || name.contains(".")
            {
                paths.append(name)
            }
            let isTableFunction = insideTableFunction || object["type"] as? String == "TABLE_FUNCTION"
            for child in object.values {
                collectFilePaths(in: child, into: &paths, insideTableFunction: isTableFunction)
            }
        } else if let array = value as? [Any] {
            for child in array { collectFilePaths(in: child, into: &paths, insideTableFunction: insideTableFunction) }
        }
    }

    /// A string constant's text (DuckDB 2's `literal` form, or the older `value` form).
    private static func stringConstant(_ expression: [String: Any]) -> String? {
        guard expression["class"] as? String == "CONSTANT" else { return nil }
        if let literal = expression["literal"] as? [String: Any] {
            return literal["kind"] as? String == "STRING" ? literal["text"] as? String : nil
        }
        if let value = expression["value"] as? [String: Any],
            (value["type"] as? [String: Any])?["id"] as? String == "VARCHAR"
        {
            return value["value"] as? String
        }
        return nil
    }

    private static func isEmpty(_ value: Any?) -> Bool {
        switch value {
        case nil: return true
        case is NSNull: return true
        case let array as [Any]: return array.isEmpty
        default: return false
        }
    }

    /// The files of a `read_parquet` view, resolved and checked.
    private static func parquetRows(view: Identifier, paths: [String], output: URL) throws(CustomConnectorError)
        -> Rows
    {
        var resolved: [String] = []
        for path in paths {
            guard let absolute = resolve(path, in: output) else {
                throw CustomConnectorError(
                    .outsideDirectory, "view \(view) reads \(path), outside the connector's output directory")
            }
            if !isGlob(absolute) {
                var info = stat()
                guard lstat(absolute, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                    throw CustomConnectorError(
                        .invalidOutput, "view \(view) reads \(path), which the connector did not write (no such file)")
                }
            }
            resolved.append(absolute)
        }
        if resolved.count == 1, let only = resolved.first, !isGlob(only) {
            return .parquetFile(URL(fileURLWithPath: only))
        }
        return .parquetFiles(resolved)
    }

    /// `path` (relative to `output`, or absolute) as an absolute path inside `output`, nil when it is
    /// not inside (after `.` and `..` are resolved) or is a URL.
    static func resolve(_ path: String, in output: URL) -> String? {
        guard !path.isEmpty, !path.contains("://"), !path.hasPrefix("~") else { return nil }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : output.appendingPathComponent(path)
        let absolute = url.standardizedFileURL.path
        return absolute.hasPrefix(output.path + "/") ? absolute : nil
    }

    static func isGlob(_ path: String) -> Bool { path.contains { "*?[{".contains($0) } }
}
