import Foundation

/// RFC 4180 CSV as Keboola exports it (`format=rfc`): delimiter `,`, every value enclosed in `"`,
/// embedded `"` doubled, no escape character, newlines kept inside values, no header row (apiary intro
/// "must adhere to RFC4180"; developers.keboola.com folders: enclosure `"`, delimiter `,`). Records end
/// with `\n`, Snowflake's unload default.
enum CSVWriter {
    /// One record, newline included.
    static func record(_ values: [String]) -> String {
        values.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\n"
    }
}
