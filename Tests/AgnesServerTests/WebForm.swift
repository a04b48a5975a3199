import Foundation

/// A `data-api` form of a rendered page, read as ``WebScript`` reads it: its URL, method and named
/// fields with their values typed by the script's rules (`data-type` `list`, `int`, `bool`, `json`; a
/// checkbox as a Bool), and ``body``, nested by dotted names as the script nests them, so a test sends
/// exactly the body the page would (`data-changed` forms aside: the body holds every field).
struct WebForm {
    let attributes: [String: String]
    /// Every named field's value as the script sends it.
    var fields: [String: Any]
    /// The submit buttons' own attributes (`data-api` of a "Check" button).
    let buttons: [[String: String]]
    /// Each named field's attributes.
    let fieldAttributes: [String: [String: String]]
    /// The pickers (`select[data-discover]`) in the form.
    let pickers: [Picker]

    /// A discovery picker as the script runs it.
    struct Picker {
        let attributes: [String: String]

        /// Its URL with the form's fields in it (nil while one it needs is empty, as the script waits).
        func url(_ fields: [String: Any]) -> String? {
            var url = attributes["data-discover"] ?? ""
            for match in WebForm.matches(#"\{(\w+)\}"#, in: url) {
                guard let value = fields[match[1]] as? String, !value.isEmpty else { return nil }
                url = url.replacingOccurrences(
                    of: match[0], with: value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)
            }
            return url
        }

        /// The entries of its answer.
        func entries(_ answer: [String: Any]) -> [[String: Any]] {
            answer[attributes["data-items"] ?? ""] as? [[String: Any]] ?? []
        }

        /// The text an entry shows, or the value a `data-fill` template gives (a list joined by commas).
        static func text(_ template: String, _ entry: [String: Any]) -> String {
            var text = template
            for match in WebForm.matches(#"\{(\w+)\}"#, in: template) {
                let value: String =
                    switch entry[match[1]] {
                    case let list as [Any]: list.map { "\($0)" }.joined(separator: ",")
                    case nil, is NSNull: ""
                    case let other?: "\(other)"
                    }
                text = text.replacingOccurrences(of: match[0], with: value)
            }
            return text
        }

        /// Whether an entry can be chosen (none of its `data-disable` keys set).
        func isChoosable(_ entry: [String: Any]) -> Bool {
            (attributes["data-disable"] ?? "").split(separator: " ").allSatisfy { key in
                switch entry[String(key)] {
                case nil, is NSNull: true
                case let flag as Bool: !flag
                case let text as String: text.isEmpty
                default: false
                }
            }
        }
    }

    /// Chooses `entry` in `picker`: sets the fields its `data-fill` names, typed as the script sends them.
    mutating func choose(_ entry: [String: Any], in picker: Picker) {
        for pair in (picker.attributes["data-fill"] ?? "").split(separator: " ") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals])
            guard let attributes = fieldAttributes[name] else { continue }
            fields[name] = Self.typed(Picker.text(String(pair[pair.index(after: equals)...]), entry), attributes)
        }
    }

    /// The form whose `id` (or, without one, whose `data-api`) is `key`.
    init?(in html: String, id key: String) {
        let forms = Self.matches(#"<form([^>]*)>(.*?)</form>"#, in: html)
        guard
            let form = forms.first(where: {
                let attributes = Self.attributes($0[1])
                return attributes["id"] == key || attributes["data-api"] == key
            })
        else { return nil }
        attributes = Self.attributes(form[1])
        let inner = form[2]
        var fields: [String: Any] = [:]
        var fieldAttributes: [String: [String: String]] = [:]
        for input in Self.matches(#"<input([^>]*)>"#, in: inner) {
            let field = Self.attributes(input[1])
            guard let name = field["name"] else { continue }
            fieldAttributes[name] = field
            fields[name] =
                field["type"] == "checkbox" ? field["checked"] != nil : Self.typed(field["value"] ?? "", field)
        }
        for select in Self.matches(#"<select([^>]*)>(.*?)</select>"#, in: inner) {
            let field = Self.attributes(select[1])
            guard let name = field["name"] else { continue }
            fieldAttributes[name] = field
            let options = Self.matches(#"<option([^>]*)>"#, in: select[2]).map { Self.attributes($0[1]) }
            fields[name] = Self.typed((options.first { $0["selected"] != nil } ?? options.first)?["value"] ?? "", field)
        }
        for textarea in Self.matches(#"<textarea([^>]*)>(.*?)</textarea>"#, in: inner) {
            let field = Self.attributes(textarea[1])
            guard let name = field["name"] else { continue }
            fieldAttributes[name] = field
            fields[name] = Self.typed(Self.unescaped(textarea[2]), field)
        }
        self.fields = fields
        self.fieldAttributes = fieldAttributes
        pickers = Self.matches(#"<select([^>]*)>"#, in: inner).map { Self.attributes($0[1]) }
            .filter { $0["data-discover"] != nil }.map(Picker.init)
        buttons = Self.matches(#"<button([^>]*)>"#, in: inner).map { Self.attributes($0[1]) }
    }

    static func typed(_ value: String, _ field: [String: String]) -> Any {
        switch field["data-type"] {
        case "list":
            value.split(whereSeparator: { $0 == "," || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        case "int": value.trimmingCharacters(in: .whitespaces).isEmpty ? NSNull() : Int(value) as Any
        case "bool": value == "true"
        case "json":
            value.trimmingCharacters(in: .whitespaces).isEmpty
                ? NSNull()
                : (try? JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)) ?? value
        default: value
        }
    }

    /// The JSON body the script sends: fields nested by their dotted names (`columns.0.description`
    /// makes an array of objects), an empty `data-omit-empty` field left out.
    var body: [String: Any] {
        var body: [String: Any] = [:]
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            if fieldAttributes[name]?["data-omit-empty"] != nil, (value as? String)?.isEmpty == true { continue }
            body = Self.put(value, at: name.split(separator: ".").map(String.init), in: body) as? [String: Any] ?? body
        }
        return body
    }

    /// `container` with `value` at `path` (a numeric key indexes an array).
    private static func put(_ value: Any, at path: [String], in container: Any?) -> Any {
        guard let key = path.first else { return value }
        let rest = Array(path.dropFirst())
        if let index = Int(key) {
            var array = container as? [Any] ?? []
            while array.count <= index { array.append([String: Any]()) }
            array[index] = put(value, at: rest, in: array[index])
            return array
        }
        var object = container as? [String: Any] ?? [:]
        let next = rest.first.map { Int($0) != nil ? (object[key] ?? [Any]()) : (object[key] ?? [String: Any]()) }
        object[key] = put(value, at: rest, in: next)
        return object
    }

    /// `name="value"` pairs (a bare attribute maps to an empty string), values unescaped.
    static func attributes(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for match in matches(#"([\w-]+)(?:="([^"]*)")?"#, in: text) {
            result[match[1]] = unescaped(match[2])
        }
        return result
    }

    static func unescaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&#x27;", with: "'").replacingOccurrences(of: "&#x2F;", with: "/")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Every match of `pattern` (dot matches newlines) as its capture groups, group 0 first.
    static func matches(_ pattern: String, in text: String) -> [[String]] {
        let expression = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }
}
