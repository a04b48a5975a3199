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
    /// A SELECT over `base` and `delta` (paths, spelled as SQL string literals here) merged on `key`.
    public static func select(base: String, delta: String, key: [String]) -> String {
        let keys = key.map(SQLText.identifier).joined(separator: ", ")
        return """
            SELECT b.* FROM read_parquet(\(SQLText.literal(base))) AS b \
            ANTI JOIN read_parquet(\(SQLText.literal(delta))) AS d USING (\(keys)) \
            UNION ALL BY NAME SELECT * FROM read_parquet(\(SQLText.literal(delta)))
            """
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
