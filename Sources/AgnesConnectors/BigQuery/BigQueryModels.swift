import Foundation

/// A field of a BigQuery schema (`TableFieldSchema`): name, type, mode, and for a RECORD its fields.
public struct BigQueryField: Sendable, Hashable, Codable {
    public var name: String
    public var type: String
    public var mode: String?
    public var fields: [BigQueryField]?
    public var description: String?

    public init(
        name: String, type: String, mode: String? = nil, fields: [BigQueryField]? = nil, description: String? = nil
    ) {
        self.name = name
        self.type = type
        self.mode = mode
        self.fields = fields
        self.description = description
    }

    /// Whether it holds a list of values (`mode: REPEATED`).
    public var isRepeated: Bool { mode?.uppercased() == "REPEATED" }

    /// Whether one value is a record (`RECORD`/`STRUCT`).
    public var isRecord: Bool { ["RECORD", "STRUCT"].contains(type.uppercased()) }
}

/// A schema (`{"fields": [...]}`).
struct BigQuerySchema: Sendable, Hashable, Codable {
    var fields: [BigQueryField]
}

/// One cell of the `f`/`v` row encoding: null, a scalar's text, a REPEATED field's values, or a
/// RECORD's fields.
public indirect enum BigQueryCell: Sendable, Hashable, Decodable {
    case null
    case text(String)
    case list([BigQueryCell])
    case record([BigQueryCell])

    private enum Keys: String, CodingKey { case v, f }

    /// Decodes `{"v": …}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self = try Self.value(container, key: .v)
    }

    private static func value(_ container: KeyedDecodingContainer<Keys>, key: Keys) throws -> BigQueryCell {
        if try container.decodeNil(forKey: key) { return .null }
        if let text = try? container.decode(String.self, forKey: key) { return .text(text) }
        if let items = try? container.decode([BigQueryCell].self, forKey: key) { return .list(items) }
        if let record = try? container.decode(Row.self, forKey: key) { return .record(record.f) }
        // Numbers or booleans where strings are documented: taken as their text.
        if let integer = try? container.decode(Int64.self, forKey: key) { return .text(String(integer)) }
        if let number = try? container.decode(Double.self, forKey: key) { return .text(String(number)) }
        if let flag = try? container.decode(Bool.self, forKey: key) { return .text(flag ? "true" : "false") }
        throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a BigQuery cell")
    }

    /// A row: `{"f": [cells]}`.
    public struct Row: Sendable, Hashable, Decodable {
        public var f: [BigQueryCell]
    }
}

/// `jobs.query` and `jobs.getQueryResults` answers (the fields Agnes reads).
public struct BigQueryQueryResponse: Sendable, Decodable {
    /// A job's reference (a dry run's names no job: `jobId` is absent there).
    public struct JobReference: Sendable, Hashable, Codable {
        public var projectId: String
        public var jobId: String?
        public var location: String?
    }

    public var jobReference: JobReference?
    public var jobComplete: Bool?

    /// An answer that names a job and nothing else yet (what `jobs.insert` leaves to wait for).
    init(jobReference: JobReference, jobComplete: Bool) {
        self.jobReference = jobReference
        self.jobComplete = jobComplete
    }
    var schema: BigQuerySchema?
    public var rows: [BigQueryCell.Row]?
    public var pageToken: String?
    public var totalRows: String?
    public var totalBytesProcessed: String?

    /// The result's fields.
    public var fields: [BigQueryField] { schema?.fields ?? [] }
    /// Whether the job has finished (a dry run always has).
    public var isComplete: Bool { jobComplete ?? true }
    /// `totalBytesProcessed` as a number.
    public var bytesProcessed: Int64? { totalBytesProcessed.flatMap { Int64($0) } }
}

/// `tables.get` (the fields Agnes reads).
public struct BigQueryTable: Sendable, Decodable {
    public struct Reference: Sendable, Hashable, Decodable {
        public var projectId: String
        public var datasetId: String
        public var tableId: String
    }

    public var tableReference: Reference
    public var type: String?
    var schema: BigQuerySchema?
    public var numRows: String?
    public var numBytes: String?
    public var description: String?
    public var location: String?

    public var fields: [BigQueryField] { schema?.fields ?? [] }
    public var rows: Int64? { numRows.flatMap { Int64($0) } }
    public var bytes: Int64? { numBytes.flatMap { Int64($0) } }
}

/// A `datasets.list` entry.
public struct BigQueryDatasetEntry: Sendable, Hashable, Decodable {
    public struct Reference: Sendable, Hashable, Decodable {
        public var projectId: String
        public var datasetId: String
    }

    public var id: String?
    public var datasetReference: Reference
    public var location: String?
}

/// A `tables.list` entry.
public struct BigQueryTableEntry: Sendable, Hashable, Decodable {
    public var id: String?
    public var tableReference: BigQueryTable.Reference
    public var type: String?
}
