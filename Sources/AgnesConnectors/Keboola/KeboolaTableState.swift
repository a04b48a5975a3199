import Foundation

/// What the last successful sync of a table knew, kept as the table's source signature in the extract
/// (`_content_hashes.source_signature`), so it is published atomically with the data it describes:
/// Keboola's last change (an unchanged table is not exported again), the server time of the export
/// (the next incremental export starts there), and the columns with their types (a changed schema
/// means a full export).
struct KeboolaTableState: Codable, Sendable, Hashable {
    /// The Keboola table id.
    var tableID: String
    /// The strategy it was synced with.
    var strategy: String
    /// `lastChangeDate` of the table when it was exported, as Keboola wrote it.
    var lastChangeDate: String?
    /// When the export job was created, by Keboola's clock.
    var exportedAt: String?
    /// `name TYPE` per column, in order.
    var columns: [String]
    /// The primary key merged on.
    var primaryKey: [String]
    /// The partition column of a partitioned table.
    var partitionBy: String?
    /// The partition files of a partitioned table: partition value → parquet file name.
    var partitions: [String: String]?

    /// The state from a source signature, nil when it is not one of ours.
    static func decode(_ signature: String?) -> KeboolaTableState? {
        guard let signature, signature.hasPrefix("{") else { return nil }
        return try? JSONDecoder().decode(KeboolaTableState.self, from: Data(signature.utf8))
    }

    /// The source signature text.
    var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }

    /// Keboola's dates: `2026-01-01T00:00:00+0100` (offset without a colon), also with one, or `Z`.
    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        for format in ["yyyy-MM-dd'T'HH:mm:ssZ", "yyyy-MM-dd'T'HH:mm:ssZZZZZ", "yyyy-MM-dd HH:mm:ss"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
