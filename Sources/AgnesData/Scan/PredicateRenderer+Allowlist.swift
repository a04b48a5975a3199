/// What a scan predicate may use, by the names DuckDB's parser gives them.
extension PredicateRenderer {
    /// Comparison node types and their SQL.
    static let comparisons: [String: String] = [
        "COMPARE_EQUAL": "=", "COMPARE_NOTEQUAL": "<>", "COMPARE_LESSTHAN": "<", "COMPARE_GREATERTHAN": ">",
        "COMPARE_LESSTHANOREQUALTO": "<=", "COMPARE_GREATERTHANOREQUALTO": ">=",
        "COMPARE_DISTINCT_FROM": "IS DISTINCT FROM", "COMPARE_NOT_DISTINCT_FROM": "IS NOT DISTINCT FROM",
    ]

    /// Binary operators (DuckDB's function names for them) and their SQL.
    static let binaryOperators: [String: String] = [
        "+": "+", "-": "-", "*": "*", "/": "/", "//": "//", "%": "%", "||": "||",
        "~~": "LIKE", "!~~": "NOT LIKE", "~~*": "ILIKE", "!~~*": "NOT ILIKE", "^@": "^@",
    ]

    /// Functions whose second argument is a regular expression (capped, constant).
    static let regexFunctions: Set<String> = ["regexp_matches", "regexp_full_match", "regexp_extract"]

    /// Scalar functions a predicate may call (name as parsed → name rendered). No aggregates, no
    /// table functions, nothing that reads files, settings or variables.
    static let functions: [String: String] = {
        let names = [
            // text
            "lower", "upper", "lcase", "ucase", "length", "char_length", "character_length", "strlen", "trim", "ltrim",
            "rtrim", "substring", "substr", "left", "right", "replace", "concat", "concat_ws", "starts_with",
            "ends_with", "prefix", "suffix", "contains", "strpos", "instr", "position", "like_escape",
            "not_like_escape", "ilike_escape", "not_ilike_escape", "regexp_matches", "regexp_full_match",
            "regexp_extract",
            // dates and times
            "date_trunc", "datetrunc", "date_part", "datepart", "year", "month", "day", "hour", "minute", "second",
            "quarter", "week", "weekofyear", "dayofweek", "dayofmonth", "dayofyear", "isodow", "epoch", "epoch_ms",
            "strftime", "strptime", "try_strptime", "make_date", "date_diff", "datediff", "date_sub", "datesub",
            "date_add", "today", "current_date", "now", "get_current_timestamp", "current_timestamp", "last_day",
            "to_timestamp",
            // numbers
            "abs", "round", "ceil", "ceiling", "floor", "trunc", "sign", "sqrt", "power", "pow", "ln", "log", "log10",
            "log2", "exp", "greatest", "least",
            // nulls and conditions
            "coalesce", "ifnull", "nullif", "if",
            // lists (`x IN (…)` spelled as a list)
            "list_contains", "list_value",
        ]
        return Dictionary(uniqueKeysWithValues: names.map { ($0, $0) })
    }()

    /// Bare words DuckDB parses as column references and binds to the current date or time when the
    /// table has no such column.
    static let dateKeywords = ["CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME"]

    /// How a cast target may be modified.
    enum CastRule {
        /// No modifiers.
        case plain
        /// `VARCHAR(n)`: DuckDB ignores the length; it is dropped.
        case ignoredLength
        /// `DECIMAL(p, s)`.
        case precisionAndScale
    }

    /// Scalar types a predicate may cast to.
    static let castTypes: [String: CastRule] = {
        var types: [String: CastRule] = [:]
        for name in [
            "BOOLEAN", "BOOL", "TINYINT", "INT1", "SMALLINT", "INT2", "INTEGER", "INT", "INT4", "SIGNED", "BIGINT",
            "INT8", "LONG", "HUGEINT", "INT128", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "FLOAT4",
            "REAL", "DOUBLE", "FLOAT8", "DATE", "TIME", "TIMESTAMP", "DATETIME", "TIMESTAMPTZ",
            "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "INTERVAL", "UUID",
        ] {
            types[name] = .plain
        }
        for name in ["VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR"] { types[name] = .ignoredLength }
        for name in ["DECIMAL", "NUMERIC"] { types[name] = .precisionAndScale }
        return types
    }()
}
