import DuckDB
import Foundation

/// Runs a statement the way a read-only Snowflake workspace would see the project: every table of the
/// fake is a table `"<bucket id>"."<table name>"` of text columns (Keboola's non-typed tables hold
/// strings; an empty value is an empty string), or, for a typed table ("native data types"), of the
/// types its `KBC.datatype.basetype` metadata gives (an empty value is NULL there), loaded into a
/// fresh in-memory DuckDB. Simple Snowflake
/// SELECTs (quoted identifiers, aggregates, CAST, `::`) are DuckDB SQL too. The result's columns get
/// Snowflake type names and its cells are text (NULL stays null), as the Query Service returns them.
enum SnowflakeEmulator {
    /// A column as the Query Service describes it.
    struct Column {
        var name: String
        var type: String
        var length: Int?
    }

    /// What a statement returned.
    struct Result {
        var columns: [Column]
        var rows: [[String?]]
    }

    /// A table of the project: its id, columns and rows, and for a typed table each column's SQL type.
    struct Table {
        var id: String
        var columns: [String]
        var rows: [[String]]
        var types: [String]?
    }

    /// The native column types of a typed table, from the base types of its definition.
    static func nativeTypes(_ table: StoredTable) -> [String] {
        let definition = KeboolaJSON.definition(table)["columns"] as? [[String: Any]] ?? []
        return definition.map { column in
            let inner = column["definition"] as? [String: Any] ?? [:]
            switch (column["basetype"] as? String ?? "STRING").uppercased() {
            case "INTEGER": return "BIGINT"
            case "NUMERIC":
                if let length = inner["length"].map({ "\($0)" }), length.contains(",") { return "DECIMAL(\(length))" }
                return "DOUBLE"
            case "FLOAT": return "DOUBLE"
            case "BOOLEAN": return "BOOLEAN"
            case "DATE": return "DATE"
            case "TIMESTAMP": return "TIMESTAMP"
            default: return "VARCHAR"
            }
        }
    }

    /// Runs `sql` over `tables`; throws the engine's message for a bad statement.
    static func run(_ sql: String, tables: [Table]) throws -> Result {
        let connection = try Database().connect()
        for table in tables {
            let parts = table.id.split(separator: ".")
            guard parts.count >= 3 else { continue }
            let schema = quoted(parts.prefix(2).joined(separator: "."))
            let name = quoted(parts.dropFirst(2).joined(separator: "."))
            try connection.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
            let types = table.types ?? Array(repeating: "VARCHAR", count: table.columns.count)
            let columns = zip(table.columns, types).map { "\(quoted($0)) \($1)" }.joined(separator: ", ")
            try connection.execute("CREATE TABLE \(schema).\(name) (\(columns))")
            for chunk in stride(from: 0, to: table.rows.count, by: 500) {
                let values = table.rows[chunk..<min(chunk + 500, table.rows.count)].map { row in
                    "("
                        + zip(row, types).map { value, type in
                            type == "VARCHAR" || table.types == nil
                                ? literal(value) : value.isEmpty ? "NULL" : literal(value)
                        }.joined(separator: ", ") + ")"
                }
                try connection.execute("INSERT INTO \(schema).\(name) VALUES \(values.joined(separator: ", "))")
            }
        }
        var statement = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        while statement.hasSuffix(";") { statement.removeLast() }
        let described = try connection.query("DESCRIBE SELECT * FROM (\(statement))")
        let columns = described.rows.map { row in
            snowflake(name: row[0].string ?? "", duckDBType: row[1].string ?? "VARCHAR")
        }
        let text = try connection.query("SELECT CAST(COLUMNS(*) AS VARCHAR) FROM (\(statement))")
        return Result(columns: columns, rows: text.rows.map { $0.map { $0 == .null ? nil : ($0.string ?? "") } })
    }

    /// The Snowflake type of a DuckDB result column: integers NUMBER(38,0), DECIMAL(p,s) NUMBER(p,s),
    /// DOUBLE/FLOAT FLOAT, VARCHAR TEXT, TIMESTAMP TIMESTAMP_NTZ, TIMESTAMPTZ TIMESTAMP_TZ.
    static func snowflake(name: String, duckDBType type: String) -> Column {
        let upper = type.uppercased()
        switch upper {
        case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT":
            return Column(name: name, type: "NUMBER(38,0)", length: 38)
        case "DOUBLE", "FLOAT": return Column(name: name, type: "FLOAT", length: nil)
        case "VARCHAR": return Column(name: name, type: "TEXT", length: 16_777_216)
        case "BOOLEAN": return Column(name: name, type: "BOOLEAN", length: nil)
        case "DATE": return Column(name: name, type: "DATE", length: nil)
        case "TIMESTAMP": return Column(name: name, type: "TIMESTAMP_NTZ", length: nil)
        case "TIMESTAMP WITH TIME ZONE": return Column(name: name, type: "TIMESTAMP_TZ", length: nil)
        default:
            if upper.hasPrefix("DECIMAL(") {
                let inner = upper.dropFirst("DECIMAL(".count).dropLast()
                let precision = Int(inner.split(separator: ",").first ?? "38") ?? 38
                return Column(name: name, type: "NUMBER(\(inner))", length: precision)
            }
            return Column(name: name, type: "TEXT", length: 16_777_216)
        }
    }

    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
