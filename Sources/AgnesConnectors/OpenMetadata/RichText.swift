import Foundation

/// Descriptions as OpenMetadata stores them (Markdown, or HTML from its rich-text editor) as plain
/// text: tags dropped (a list item as `- `, block ends as line breaks, no blank lines), the common
/// entities decoded, runs of spaces collapsed. Markdown (no tags) comes back as written, apart from
/// trailing spaces and runs of blank lines.
enum RichText {
    /// `&amp;` last, so that an escaped entity (`&amp;lt;`) is decoded once.
    private static let entities = [
        ("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"),
        ("&amp;", "&"),
    ]

    /// The plain text, nil when nothing is left.
    static func plain(_ text: String?) -> String? {
        guard var text, !text.isEmpty else { return nil }
        let isHTML = text.range(of: "</?[A-Za-z][^>]*>", options: .regularExpression) != nil
        if isHTML {
            text = text.replacingOccurrences(of: "<li[^>]*>", with: "\n- ", options: .regularExpression)
            text = text.replacingOccurrences(of: "<br\\s*/?>", with: "\n", options: .regularExpression)
            text = text.replacingOccurrences(
                of: "</(p|div|h[1-6]|tr|ul|ol|li|pre|blockquote)>", with: "\n", options: .regularExpression)
            text = text.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            for (entity, character) in entities { text = text.replacingOccurrences(of: entity, with: character) }
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard isHTML else {
                // Markdown's indentation means something; only line ends are tidied.
                return String(line.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
            }
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        }
        var kept: [String] = []
        for line in lines where !(line.isEmpty && (isHTML || (kept.last?.isEmpty ?? true))) { kept.append(line) }
        while kept.last?.isEmpty == true { kept.removeLast() }
        let result = kept.joined(separator: "\n")
        return result.isEmpty ? nil : result
    }
}
