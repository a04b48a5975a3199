import Foundation

/// Readable plain text of an Atlassian Document Format document (Jira v3's descriptions and comment
/// bodies): paragraphs and headings on their own lines, list items as `- ` / `1. `, code blocks
/// fenced, quotes with `> `, table rows as cells joined by ` | `, mentions as `@name`, links as
/// `text (url)`, cards as their URL, dates as `YYYY-MM-DD`, emoji as their short name. Unknown nodes
/// give their children's text, so a future node type degrades to its words, never to nothing.
///
/// ```swift
/// ADFText.render(["type": "doc", "content": [["type": "paragraph", "content": [["type": "text", "text": "Hi"]]]]])
/// // "Hi"
/// ```
enum ADFText {
    /// The text of `value`: an ADF node, a plain string (v2 API, rendered text), or nil.
    static func render(_ value: Any?) -> String? {
        switch value {
        case let text as String: return text
        case let node as [String: Any]:
            var output = ""
            append(node, to: &output, listPrefix: nil)
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            }
            var collapsed: [String] = []
            for line in lines where !(line.isEmpty && (collapsed.last?.isEmpty ?? true)) { collapsed.append(line) }
            while collapsed.last?.isEmpty == true { collapsed.removeLast() }
            return collapsed.joined(separator: "\n")
        default: return nil
        }
    }

    private static func children(_ node: [String: Any]) -> [[String: Any]] {
        (node["content"] as? [Any])?.compactMap { $0 as? [String: Any] } ?? []
    }

    private static func inline(_ node: [String: Any]) -> String {
        var text = ""
        for child in children(node) { append(child, to: &text, listPrefix: nil) }
        return text
    }

    private static func append(_ node: [String: Any], to output: inout String, listPrefix: String?) {
        let attrs = node["attrs"] as? [String: Any] ?? [:]
        func block(_ text: String) {
            if !output.isEmpty, !output.hasSuffix("\n") { output += "\n" }
            output += text + "\n"
        }
        switch node["type"] as? String ?? "" {
        case "text":
            var text = node["text"] as? String ?? ""
            let marks = (node["marks"] as? [Any])?.compactMap { $0 as? [String: Any] } ?? []
            if let link = marks.first(where: { $0["type"] as? String == "link" }),
                let href = (link["attrs"] as? [String: Any])?["href"] as? String, href != text
            {
                text += " (\(href))"
            }
            output += text
        case "hardBreak": output += "\n"
        case "mention":
            let name = (attrs["text"] as? String) ?? (attrs["id"] as? String).map { "@\($0)" } ?? "@someone"
            output += name.hasPrefix("@") ? name : "@" + name
        case "emoji": output += (attrs["text"] as? String) ?? (attrs["shortName"] as? String) ?? ""
        case "inlineCard", "blockCard", "embedCard":
            output += (attrs["url"] as? String) ?? ""
        case "date":
            if let millis = (attrs["timestamp"] as? String).flatMap(Int64.init)
                ?? (attrs["timestamp"] as? NSNumber)?
                .int64Value
            {
                let (y, m, d) = JiraTime.civil(fromDays: millis / 86_400_000)
                output += String(format: "%04lld-%02lld-%02lld", y, m, d)
            }
        case "status": output += (attrs["text"] as? String) ?? ""
        case "placeholder": break
        case "media", "mediaInline":
            if let alt = attrs["alt"] as? String, !alt.isEmpty { output += "[\(alt)]" }
        case "paragraph": block((listPrefix ?? "") + inline(node))
        case "heading":
            let level = (attrs["level"] as? NSNumber)?.intValue ?? 1
            block(String(repeating: "#", count: max(1, min(6, level))) + " " + inline(node))
        case "rule": block("---")
        case "codeBlock":
            let language = attrs["language"] as? String ?? ""
            block("```\(language)\n" + inline(node) + "\n```")
        case "blockquote", "panel":
            var inner = ""
            for child in children(node) { append(child, to: &inner, listPrefix: nil) }
            let prefix = node["type"] as? String == "blockquote" ? "> " : ""
            block(
                inner.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(
                    separator: "\n"))
        case "bulletList", "orderedList", "taskList", "decisionList":
            let ordered = node["type"] as? String == "orderedList"
            var number = (attrs["order"] as? NSNumber)?.intValue ?? 1
            for item in children(node) {
                var prefix = ordered ? "\(number). " : "- "
                if item["type"] as? String == "taskItem" {
                    prefix = (item["attrs"] as? [String: Any])?["state"] as? String == "DONE" ? "[x] " : "[ ] "
                }
                appendItem(item, prefix: prefix, to: &output)
                number += 1
            }
        case "table":
            for row in children(node) {
                let cells = children(row).map { cell -> String in
                    var text = ""
                    for child in children(cell) { append(child, to: &text, listPrefix: nil) }
                    return text.split(separator: "\n").joined(separator: " ")
                }
                block(cells.joined(separator: " | "))
            }
        case "expand", "nestedExpand":
            if let title = attrs["title"] as? String, !title.isEmpty { block(title) }
            for child in children(node) { append(child, to: &output, listPrefix: nil) }
        default:
            for child in children(node) { append(child, to: &output, listPrefix: listPrefix) }
        }
    }

    /// A list item: its first paragraph after the prefix, nested content indented.
    private static func appendItem(_ item: [String: Any], prefix: String, to output: inout String) {
        var inner = ""
        if item["type"] as? String == "taskItem" || item["type"] as? String == "decisionItem" {
            inner = inline(item)
        } else {
            for child in children(item) { append(child, to: &inner, listPrefix: nil) }
        }
        let lines = inner.split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = lines.first else { return }
        if !output.isEmpty, !output.hasSuffix("\n") { output += "\n" }
        output += prefix + first + "\n"
        for line in lines.dropFirst() { output += "  " + line + "\n" }
    }
}
