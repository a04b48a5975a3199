import CDuckDB

/// An error raised by the DuckDB binding, carrying DuckDB's own message and exception type.
///
/// ```swift
/// do { try connection.execute("SELEC 1") }
/// catch let error as DuckDBError where error.kind == .parser { print(error.message) }
/// ```
public struct DuckDBError: Error, Sendable, CustomStringConvertible {
    /// What the binding was doing when the error happened.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let rawValue: String
        /// Creates a code; modules may define their own.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Opening or configuring a database failed.
        public static let open = Code("open")
        /// Opening a connection failed.
        public static let connect = Code("connect")
        /// Preparing a statement failed.
        public static let prepare = Code("prepare")
        /// Binding a parameter failed.
        public static let bind = Code("bind")
        /// Executing a statement failed.
        public static let execute = Code("execute")
        /// Appending rows failed.
        public static let appender = Code("appender")
        /// A value could not be converted to or from DuckDB.
        public static let conversion = Code("conversion")
        /// Splitting a script into statements failed.
        public static let parse = Code("parse")
        /// A pool or connection was used after it was closed.
        public static let closed = Code("closed")
        /// A statement ran past its time limit and was interrupted.
        public static let timeout = Code("timeout")
    }

    /// What the binding was doing.
    public let code: Code
    /// DuckDB's own message, verbatim.
    public let message: String
    /// DuckDB's exception type, when DuckDB reported one.
    public let kind: Kind?

    /// Creates an error.
    public init(_ code: Code, _ message: String, kind: Kind? = nil) {
        self.code = code
        self.message = message
        self.kind = kind
    }

    public var description: String {
        if let kind { return "\(code) (\(kind)): \(message)" }
        return "\(code): \(message)"
    }

    /// True when the statement was stopped by an interrupt (timeout or cancellation).
    public var isInterrupt: Bool { kind == .interrupt || code == .timeout }
}

extension DuckDBError {
    /// DuckDB's exception type (`duckdb_error_type`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The raw `duckdb_error_type` value.
        public let rawValue: Int32
        /// Wraps a raw value.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let invalid = Kind(rawValue: 0)
        public static let outOfRange = Kind(rawValue: 1)
        public static let conversion = Kind(rawValue: 2)
        public static let divideByZero = Kind(rawValue: 6)
        public static let transaction = Kind(rawValue: 10)
        public static let notImplemented = Kind(rawValue: 11)
        public static let catalog = Kind(rawValue: 13)
        public static let parser = Kind(rawValue: 14)
        public static let constraint = Kind(rawValue: 18)
        public static let binder = Kind(rawValue: 24)
        public static let io = Kind(rawValue: 28)
        public static let interrupt = Kind(rawValue: 29)
        public static let fatal = Kind(rawValue: 30)
        public static let `internal` = Kind(rawValue: 31)
        public static let invalidInput = Kind(rawValue: 32)
        public static let outOfMemory = Kind(rawValue: 33)
        public static let permission = Kind(rawValue: 34)
        public static let dependency = Kind(rawValue: 37)
        public static let http = Kind(rawValue: 38)
        public static let missingExtension = Kind(rawValue: 39)
        public static let invalidConfiguration = Kind(rawValue: 42)

        private static let names: [Int32: String] = [
            0: "invalid", 1: "out of range", 2: "conversion", 3: "unknown type", 4: "decimal", 5: "mismatch type",
            6: "divide by zero", 7: "object size", 8: "invalid type", 9: "serialization", 10: "transaction",
            11: "not implemented", 12: "expression", 13: "catalog", 14: "parser", 15: "planner", 16: "scheduler",
            17: "executor", 18: "constraint", 19: "index", 20: "stat", 21: "connection", 22: "syntax",
            23: "settings", 24: "binder", 25: "network", 26: "optimizer", 27: "null pointer", 28: "io",
            29: "interrupt", 30: "fatal", 31: "internal", 32: "invalid input", 33: "out of memory",
            34: "permission", 35: "parameter not resolved", 36: "parameter not allowed", 37: "dependency",
            38: "http", 39: "missing extension", 40: "autoload", 41: "sequence", 42: "invalid configuration",
        ]

        public var description: String { Self.names[rawValue] ?? "error \(rawValue)" }
    }
}

extension DuckDBError {
    /// Reads the error of a failed result (the result still has to be destroyed by the caller).
    static func from(result: inout duckdb_result, code: Code) -> DuckDBError {
        let message = duckdb_result_error(&result).map { String(cString: $0) } ?? "unknown DuckDB error"
        return DuckDBError(code, message, kind: Kind(rawValue: duckdb_result_error_type(&result)))
    }
}
