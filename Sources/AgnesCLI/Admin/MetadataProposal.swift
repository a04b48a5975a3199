import AgnesClient
import Foundation

/// A file of proposed column documentation for `agnes admin metadata-apply`, checked whole before
/// anything is sent. Three shapes are read:
///
/// ```
/// {"table_id": "orders", "columns": [{"column_name": "id", "basetype": "INTEGER",
///                                      "description": "Order number", "confidence": "high"}]}
/// [{"table_id": "orders", "columns": […]}, {"table_id": "customers", "columns": […]}]
/// {"tables": {"orders": {"columns": {"id": {"basetype": "INTEGER", "description": "…"}}}}}
/// ```
///
/// The last is what the original's AI enrichment wrote, read so that its files keep working. A field
/// left out keeps the column's current value; `null` clears a basetype or a description.
///
/// ```swift
/// let proposal = try MetadataProposal.load(path: "proposal.json")
/// ```
public struct MetadataProposal: Sendable, Equatable {
    /// What a proposal does to one field.
    public enum Edit: Sendable, Equatable {
        /// Not in the proposal: the current value stays.
        case keep
        /// `null`: the value is removed.
        case clear
        /// A new value.
        case set(String)

        /// The field's value after the edit, given its current one.
        public func applied(to current: String?) -> String? {
            switch self {
            case .keep: current
            case .clear: nil
            case .set(let value): value
            }
        }
    }

    /// One proposed column.
    public struct Column: Sendable, Equatable {
        /// The column's name.
        public var name: String
        /// Its base type.
        public var basetype: Edit
        /// Its description.
        public var description: Edit
        /// The confidence (never cleared: without one the server records `manual`).
        public var confidence: String?

        /// Creates a proposed column.
        public init(name: String, basetype: Edit = .keep, description: Edit = .keep, confidence: String? = nil) {
            self.name = name
            self.basetype = basetype
            self.description = description
            self.confidence = confidence
        }
    }

    /// The proposed columns of one table, in file order.
    public struct Table: Sendable, Equatable {
        /// The registry id.
        public var tableID: String
        /// The columns.
        public var columns: [Column]

        /// Creates a proposed table.
        public init(tableID: String, columns: [Column]) {
            self.tableID = tableID
            self.columns = columns
        }
    }

    /// The tables, in the order they first appear.
    public var tables: [Table]

    static let columnKeys = ["column_name", "basetype", "description", "confidence"]
    static let shapeHint = """
        expected {"table_id": "…", "columns": [{"column_name": "…", "basetype"?, "description"?, "confidence"?}]}, \
        a list of those, or {"tables": {"<table_id>": {"columns": {"<column>": {…}}}}}; \
        agnes admin metadata-apply --help shows an example
        """

    /// Reads and checks the proposal at `path`; a `usage` error (exit 2) names the file and the problem.
    public static func load(path: String) throws -> MetadataProposal {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ClientError(.usage, "the proposal file \(path) \(reason)")
        }
        return try parse(data, file: path)
    }

    /// Checks `data`, the content of `file` (named in errors).
    public static func parse(_ data: Data, file: String) throws -> MetadataProposal {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ClientError(.usage, "\(file) is not valid JSON (\(Self.reason(error)))", hint: shapeHint)
        }
        var reader = Reader(file: file)
        switch value {
        case .array(let entries):
            guard !entries.isEmpty else { throw reader.problem("", "the list is empty") }
            for (index, entry) in entries.enumerated() { try reader.readTable(entry, at: "[\(index)]") }
        case .object(let members) where members["tables"] != nil && members["table_id"] == nil:
            try reader.readOriginal(members)
        case .object:
            try reader.readTable(value, at: "")
        default:
            throw reader.problem("", "the top level is \(Reader.kind(value)), not an object or a list")
        }
        return MetadataProposal(tables: reader.tables)
    }

    static func reason(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
        let underlying = context.underlyingError.map { ($0 as NSError).userInfo[NSDebugDescriptionErrorKey] as? String }
        return (underlying ?? nil) ?? context.debugDescription
    }
}

extension MetadataProposal {
    /// Walks the parsed JSON, collecting tables and refusing anything unexpected.
    struct Reader {
        let file: String
        var tables: [Table] = []
        var seen: Set<[String]> = []

        init(file: String) { self.file = file }

        func problem(_ location: String, _ text: String) -> ClientError {
            ClientError(.usage, "\(file): \(location.isEmpty ? "" : "\(location): ")\(text)", hint: shapeHint)
        }

        /// `{"table_id", "columns": [{"column_name", …}]}`.
        mutating func readTable(_ value: JSONValue, at location: String) throws {
            let members = try object(value, at: location)
            try refuseUnknown(members, allowed: ["table_id", "columns"], at: location)
            let tableID = try name(members["table_id"], key: "table_id", at: location)
            guard let columnsValue = members["columns"] else { throw problem(location, "missing \"columns\"") }
            guard case .array(let entries) = columnsValue else {
                throw problem(join(location, "columns"), "expected a list, found \(Self.kind(columnsValue))")
            }
            var columns: [Column] = []
            for (index, entry) in entries.enumerated() {
                let here = join(location, "columns[\(index)]")
                let fields = try object(entry, at: here)
                try refuseUnknown(fields, allowed: MetadataProposal.columnKeys, at: here)
                let column = try name(fields["column_name"], key: "column_name", at: here)
                columns.append(try self.column(column, fields, at: here))
            }
            try add(tableID, columns, at: location)
        }

        /// The original's `{"tables": {"<id>": {"columns": {"<column>": {…}}}}}`.
        mutating func readOriginal(_ members: [String: JSONValue]) throws {
            try refuseUnknown(members, allowed: ["tables"], at: "")
            let tables = try object(members["tables"] ?? .null, at: "tables")
            guard !tables.isEmpty else { throw problem("tables", "no tables") }
            for (tableID, value) in tables.sorted(by: { $0.key < $1.key }) {
                let here = "tables.\(tableID)"
                guard !Self.isBlank(tableID) else { throw problem("tables", "a table id is empty") }
                let table = try object(value, at: here)
                try refuseUnknown(table, allowed: ["columns"], at: here)
                let entries = try object(table["columns"] ?? .null, at: here + ".columns")
                var columns: [Column] = []
                for (column, fields) in entries.sorted(by: { $0.key < $1.key }) {
                    let at = "\(here).columns.\(column)"
                    guard !Self.isBlank(column) else { throw problem(here + ".columns", "a column name is empty") }
                    let members = try object(fields, at: at)
                    try refuseUnknown(members, allowed: ["basetype", "description", "confidence"], at: at)
                    columns.append(try self.column(column, members, at: at))
                }
                try add(tableID, columns, at: here)
            }
        }

        func column(_ name: String, _ fields: [String: JSONValue], at location: String) throws -> Column {
            var column = Column(name: name)
            column.basetype = try edit(fields["basetype"], key: "basetype", at: location)
            column.description = try edit(fields["description"], key: "description", at: location)
            switch fields["confidence"] {
            case nil: break
            case .string(let value)? where !Self.isBlank(value):
                column.confidence = value
            case let other?:
                throw problem(join(location, "confidence"), "expected a non-empty string, found \(Self.kind(other))")
            }
            return column
        }

        mutating func add(_ tableID: String, _ columns: [Column], at location: String) throws {
            guard !columns.isEmpty else { throw problem(location, "no columns for table \"\(tableID)\"") }
            for column in columns {
                guard seen.insert([tableID, column.name]).inserted else {
                    throw problem(location, "column \"\(column.name)\" of table \"\(tableID)\" is proposed twice")
                }
            }
            if let index = tables.firstIndex(where: { $0.tableID == tableID }) {
                tables[index].columns += columns
            } else {
                tables.append(Table(tableID: tableID, columns: columns))
            }
        }

        func object(_ value: JSONValue, at location: String) throws -> [String: JSONValue] {
            guard case .object(let members) = value else {
                throw problem(location, "expected an object, found \(Self.kind(value))")
            }
            return members
        }

        func name(_ value: JSONValue?, key: String, at location: String) throws -> String {
            guard let value else { throw problem(location, "missing \"\(key)\"") }
            guard case .string(let text) = value, !Self.isBlank(text) else {
                throw problem(join(location, key), "expected a non-empty string, found \(Self.kind(value))")
            }
            return text
        }

        func edit(_ value: JSONValue?, key: String, at location: String) throws -> Edit {
            switch value {
            case nil: return .keep
            case .null?: return .clear
            case .string(let text)?: return .set(text)
            case let other?: throw problem(join(location, key), "expected a string or null, found \(Self.kind(other))")
            }
        }

        func refuseUnknown(_ members: [String: JSONValue], allowed: [String], at location: String) throws {
            let unknown = members.keys.filter { !allowed.contains($0) }.sorted()
            guard !unknown.isEmpty else { return }
            let names = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
            throw problem(
                location,
                "unknown key\(unknown.count == 1 ? "" : "s") \(names) (allowed: \(allowed.joined(separator: ", ")))")
        }

        func join(_ location: String, _ key: String) -> String {
            location.isEmpty ? key : key.hasPrefix("[") ? location + key : "\(location).\(key)"
        }

        static func isBlank(_ text: String) -> Bool { text.trimmingCharacters(in: .whitespaces).isEmpty }

        static func kind(_ value: JSONValue) -> String {
            switch value {
            case .null: "null"
            case .bool: "a boolean"
            case .int, .double: "a number"
            case .string(let text): isBlank(text) ? "an empty string" : "a string"
            case .array: "a list"
            case .object: "an object"
            }
        }
    }
}
