import Foundation

/// How results are printed.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Aligned columns with types, fitted to the terminal.
    case table
    /// A JSON array of objects.
    case json
    /// RFC 4180 CSV with a header row.
    case csv
}

extension ResultTable {
    /// The table in `format`; `width` bounds table output (nil: no limit).
    public func rendered(as format: OutputFormat, width: Int?) -> String {
        switch format {
        case .table: TableRenderer(maximumWidth: width).render(self)
        case .json: jsonText
        case .csv: csvText
        }
    }

    /// A JSON array with one object per row, keys in column order.
    public var jsonText: String {
        let keys = columns.map { JSONValueText.string($0.name) }
        var text = "["
        for (index, row) in rows.enumerated() {
            text += index == 0 ? "\n  {" : ",\n  {"
            text += zip(keys, row).map { "\($0): \($1.json)" }.joined(separator: ", ")
            text += "}"
        }
        return text + (rows.isEmpty ? "]" : "\n]")
    }

    /// CSV with a header row; NULL is an empty field.
    public var csvText: String {
        var lines = [columns.map { Self.csvField($0.name) }.joined(separator: ",")]
        for row in rows {
            lines.append(row.map { $0.isNull ? "" : Self.csvField($0.text) }.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n")
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// JSON text of plain strings.
enum JSONValueText {
    static func string(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
