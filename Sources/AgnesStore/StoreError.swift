/// An error of the system store, with a message fit for an operator.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let rawValue: String
        /// Creates a code.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The store file cannot be opened (corrupt, unreadable, not a DuckDB file).
        public static let unreadable = Code("unreadable")
        /// Another process holds the store's write lock.
        public static let locked = Code("locked")
        /// The file was written by a newer Agnes.
        public static let schemaTooNew = Code("schema_too_new")
        /// The file predates the oldest schema this binary can migrate.
        public static let schemaTooOld = Code("schema_too_old")
        /// The file is a DuckDB database but not an Agnes system store.
        public static let notAStore = Code("not_a_store")
        /// A migration step failed (and was rolled back).
        public static let migrationFailed = Code("migration_failed")
        /// A uniqueness rule was violated (duplicate id, email, name).
        public static let conflict = Code("conflict")
        /// A referenced row does not exist.
        public static let notFound = Code("not_found")
        /// A value stored in the database could not be read back.
        public static let corruptRow = Code("corrupt_row")
    }

    /// What went wrong.
    public let code: Code
    /// A message for humans: what happened and, where there is one, what to do.
    public let message: String
    /// The underlying error, if any.
    public let cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
