import Foundation

/// The second layer of a local table kept as a base file and a delta: the rows that changed since the
/// base was written. A delta row replaces the base row with its key, or adds a row; the table is the
/// base without the keys of the delta, plus the delta (``LayeredRelation``).
///
/// An incremental sync then writes only what changed (its cost grows with the changed rows, not with
/// the table), and the connector folds the delta into a new base once it has grown (compaction).
public struct TableDelta: Sendable, Hashable {
    /// The delta's published file.
    public var file: PublishedFile
    /// The primary key columns a delta row replaces a base row by.
    public var key: [String]

    /// Creates a value.
    public init(file: PublishedFile, key: [String]) {
        self.file = file
        self.key = key
    }
}

/// The delta of a served table: the file its view reads, with the file's content hash and size.
public struct ServedDelta: Sendable, Hashable {
    /// The immutable delta file.
    public let file: URL
    /// Content MD5 of `file`.
    public let md5: String
    /// Size of `file` in bytes.
    public let sizeBytes: Int64
    /// The primary key columns.
    public let key: [String]

    /// Creates a value.
    public init(file: URL, md5: String, sizeBytes: Int64, key: [String]) {
        self.file = file
        self.md5 = md5
        self.sizeBytes = sizeBytes
        self.key = key
    }
}

/// The SQL that reads a table kept as a base and a delta: the base rows whose key the delta does not
/// hold, then the delta's rows. DuckDB builds the anti join's hash table from the small delta and
/// streams the base through it, with projections and filters pushed into both scans.
public enum LayeredRelation {
    /// A SELECT of a local table's rows: the file alone, or with its delta (path and key) merged in.
    public static func select(file: String, delta: (path: String, key: [String])?) -> String {
        guard let delta else { return "SELECT * FROM read_parquet(\(SQLText.literal(file)))" }
        return select(base: file, delta: delta.path, key: delta.key)
    }

    /// A SELECT over `base` and `delta` (paths, spelled as SQL string literals here) merged on `key`.
    /// `baseRows` and `deltaRows` (` WHERE …`) narrow what is taken of each (the profiler's sample).
    public static func select(
        base: String, delta: String, key: [String], baseRows: String = "", deltaRows: String = ""
    ) -> String {
        let keys = key.map(SQLText.identifier).joined(separator: ", ")
        let (base, delta) = ("read_parquet(\(SQLText.literal(base)))", "read_parquet(\(SQLText.literal(delta)))")
        return """
            SELECT b.* FROM \(baseRows.isEmpty ? base : "(SELECT * FROM \(base)\(baseRows))") AS b \
            ANTI JOIN \(delta) AS d USING (\(keys)) \
            UNION ALL BY NAME SELECT * FROM \(delta)\(deltaRows)
            """
    }

    /// How published tables are written as parquet: zstd, row groups of 122,880 rows.
    public static let parquetOptions = "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"

    /// What identifies a table's content: its file's MD5, joined by its delta's when it has one (the
    /// sync state's hash and ``ServedTable/contentVersion``).
    public static func contentVersion(md5: String, deltaMD5: String?) -> String {
        deltaMD5.map { "\(md5)+\($0)" } ?? md5
    }

    /// The merge key as stored in an extract (`_content_hashes.merge_key`): a JSON array of names.
    public static func encode(key: [String]) -> String {
        (try? JSONEncoder().encode(key)).flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
    }

    /// The merge key from its stored text; nil when it is not a non-empty array of names.
    public static func decode(key text: String?) -> [String]? {
        guard let text, let key = try? JSONDecoder().decode([String].self, from: Data(text.utf8)), !key.isEmpty,
            key.allSatisfy({ !$0.isEmpty })
        else { return nil }
        return key
    }
}
