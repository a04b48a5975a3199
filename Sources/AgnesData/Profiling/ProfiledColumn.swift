import DuckDB
import Foundation

/// A column of the working table and the SQL expressions the passes use for it.
struct ProfiledColumn {
    let name: String
    let type: String
    let category: TypeCategory

    init(name: String, type: String) {
        self.name = name
        self.type = type
        self.category = TypeCategory(duckDBType: type)
    }

    /// The quoted column.
    var sql: String { ProfileSQL.quoted(name) }

    /// The base type name without parameters, e.g. `DECIMAL` for `DECIMAL(10,2)`.
    var baseType: String {
        String(type.uppercased().split(separator: "(", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces)
    }

    /// True for the integer types, whose min and max are reported as whole numbers.
    var isInteger: Bool { TypeCategory.integerTypes.contains(baseType) }

    /// True for FLOAT and DOUBLE, which can hold NaN and infinities.
    var isFloatingPoint: Bool { ["FLOAT", "DOUBLE", "REAL", "FLOAT4", "FLOAT8"].contains(baseType) }

    /// The value as text: the column itself for VARCHAR, else DuckDB's cast.
    var text: String { type.uppercased() == "VARCHAR" ? sql : "CAST(\(sql) AS VARCHAR)" }

    /// The value as a DOUBLE (numeric columns).
    var double: String { "CAST(\(sql) AS DOUBLE)" }

    /// The value's date (date and timestamp columns).
    var date: String { category == .date ? sql : "CAST(\(sql) AS DATE)" }

    /// A filter that keeps only the finite values of a numeric, date or timestamp column.
    var finiteFilter: String {
        switch category {
        case .numeric: isFloatingPoint ? " FILTER (WHERE isfinite(\(sql)))" : ""
        case .date, .timestamp: " FILTER (WHERE isfinite(\(sql)))"
        case .string, .boolean: ""
        }
    }
}

/// Positions of a query's result columns, collected while its select list is built.
struct SelectList {
    private(set) var expressions: [String] = []

    /// Appends an expression and returns its position.
    mutating func add(_ expression: String) -> Int {
        expressions.append(expression)
        return expressions.count - 1
    }
}
