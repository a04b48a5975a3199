import Foundation

/// Renders ADF two ways: as the HTML of `renderedFields`, and as the wiki markup that API v2 (and so the
/// webhooks) gives for rich-text fields.
enum JiraADFRenderer {
    /// The ADF JSON text parsed, or nil when it is not JSON.
    static func parse(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    // MARK: HTML

    static func html(_ text: String) -> String {
        guard let document = parse(text) else { return escape(text) }
        return html(node: document)
    }

    static func html(node: [String: Any]) -> String {
        let attrs = node["attrs"] as? [String: Any] ?? [:]
        let inner = (node["content"] as? [[String: Any]] ?? []).map(html(node:)).joined()
        switch node["type"] as? String ?? "" {
        case "doc": return inner
        case "paragraph": return "<p>\(inner)</p>"
        case "heading":
            let level = attrs["level"] as? Int ?? 1
            return "<h\(level)>\(inner)</h\(level)>"
        case "bulletList": return "<ul>\(inner)</ul>"
        case "orderedList": return "<ol>\(inner)</ol>"
        case "listItem": return "<li>\(inner)</li>"
        case "codeBlock":
            let language = attrs["language"] as? String ?? "none"
            return "<div class=\"code panel\"><div class=\"codeContent panelContent\">"
                + "<pre class=\"code-\(escape(language))\">\(inner)</pre></div></div>"
        case "blockquote": return "<blockquote>\(inner)</blockquote>"
        case "rule": return "<hr />"
        case "hardBreak": return "<br/>"
        case "table":
            return "<div class=\"table-wrap\"><table class=\"confluenceTable\"><tbody>\(inner)</tbody></table></div>"
        case "tableRow": return "<tr>\(inner)</tr>"
        case "tableHeader": return "<th class=\"confluenceTh\">\(inner)</th>"
        case "tableCell": return "<td class=\"confluenceTd\">\(inner)</td>"
        case "panel": return "<div class=\"panel\"><div class=\"panelContent\">\(inner)</div></div>"
        case "mention":
            let id = escape(attrs["id"] as? String ?? "")
            let name = escape(attrs["text"] as? String ?? "")
            return
                "<a href=\"/secure/ViewProfile.jspa?accountId=\(id)\" class=\"user-hover\" data-account-id=\"\(id)\" "
                + "accountid=\"\(id)\" rel=\"\(id)\">\(name)</a>"
        case "emoji": return escape(attrs["text"] as? String ?? attrs["shortName"] as? String ?? "")
        case "inlineCard", "blockCard":
            let url = escape(attrs["url"] as? String ?? "")
            return "<a href=\"\(url)\" class=\"external-link\" rel=\"nofollow noreferrer\">\(url)</a>"
        case "text": return marked(escape(node["text"] as? String ?? ""), marks: node["marks"])
        default: return inner
        }
    }

    static func marked(_ text: String, marks: Any?) -> String {
        var result = text
        for mark in marks as? [[String: Any]] ?? [] {
            let attrs = mark["attrs"] as? [String: Any] ?? [:]
            switch mark["type"] as? String ?? "" {
            case "strong": result = "<b>\(result)</b>"
            case "em": result = "<em>\(result)</em>"
            case "code": result = "<tt>\(result)</tt>"
            case "strike": result = "<del>\(result)</del>"
            case "underline": result = "<ins>\(result)</ins>"
            case "link":
                let href = escape(attrs["href"] as? String ?? "")
                result = "<a href=\"\(href)\" class=\"external-link\" rel=\"nofollow noreferrer\">\(result)</a>"
            default: break
            }
        }
        return result
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    // MARK: Wiki markup

    static func wiki(_ text: String) -> String {
        guard let document = parse(text) else { return text }
        return wiki(node: document, listPrefix: "")
    }

    static func wiki(node: [String: Any], listPrefix: String) -> String {
        let attrs = node["attrs"] as? [String: Any] ?? [:]
        let children = node["content"] as? [[String: Any]] ?? []
        func inline() -> String { children.map { wiki(node: $0, listPrefix: listPrefix) }.joined() }
        switch node["type"] as? String ?? "" {
        case "doc": return children.map { wiki(node: $0, listPrefix: "") }.joined(separator: "\n\n")
        case "paragraph": return inline()
        case "heading": return "h\(attrs["level"] as? Int ?? 1). " + inline()
        case "bulletList", "orderedList":
            let prefix = listPrefix + (node["type"] as? String == "bulletList" ? "*" : "#")
            return children.map { wiki(node: $0, listPrefix: prefix) }.joined(separator: "\n")
        case "listItem":
            return children.map { child -> String in
                let type = child["type"] as? String
                let text = wiki(node: child, listPrefix: listPrefix)
                return type == "bulletList" || type == "orderedList" ? text : listPrefix + " " + text
            }.joined(separator: "\n")
        case "codeBlock":
            let language = attrs["language"] as? String
            return "{code\(language.map { ":" + $0 } ?? "")}\n" + inline() + "\n{code}"
        case "blockquote":
            return "{quote}\n" + children.map { wiki(node: $0, listPrefix: "") }.joined(separator: "\n\n") + "\n{quote}"
        case "rule": return "----"
        case "hardBreak": return "\n"
        case "table": return children.map { wiki(node: $0, listPrefix: "") }.joined(separator: "\n")
        case "tableRow":
            let isHeader = children.first?["type"] as? String == "tableHeader"
            let separator = isHeader ? "||" : "|"
            return separator + children.map { wiki(node: $0, listPrefix: "") }.joined(separator: separator) + separator
        case "tableHeader", "tableCell": return children.map { wiki(node: $0, listPrefix: "") }.joined(separator: " ")
        case "mention": return "[~accountid:\(attrs["id"] as? String ?? "")]"
        case "emoji": return attrs["shortName"] as? String ?? ""
        case "inlineCard", "blockCard":
            let url = attrs["url"] as? String ?? ""
            return "[\(url)|\(url)|smart-link]"
        case "text": return wikiMarked(node["text"] as? String ?? "", marks: node["marks"])
        default: return inline()
        }
    }

    static func wikiMarked(_ text: String, marks: Any?) -> String {
        var result = text
        for mark in marks as? [[String: Any]] ?? [] {
            switch mark["type"] as? String ?? "" {
            case "strong": result = "*\(result)*"
            case "em": result = "_\(result)_"
            case "code": result = "{{\(result)}}"
            case "strike": result = "-\(result)-"
            case "underline": result = "+\(result)+"
            case "link": result = "[\(result)|\((mark["attrs"] as? [String: Any])?["href"] as? String ?? "")]"
            default: break
            }
        }
        return result
    }
}
