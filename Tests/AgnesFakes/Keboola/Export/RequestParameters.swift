import Foundation

/// A POST body's parameters, whether sent as JSON (what the apiary documents) or as
/// `application/x-www-form-urlencoded` with PHP bracket syntax (`columns[]=a`,
/// `whereFilters[0][values][0]=x`; what the Python client and the original Agnes send).
indirect enum RequestParameters: Equatable, Decodable {
    case text(String)
    case list([RequestParameters])
    case map([String: RequestParameters])
    case null

    /// The body by its content type: JSON when it says so (or starts with `{`), a form otherwise.
    static func parse(body: String, contentType: String?) throws(KeboolaAPIError) -> RequestParameters {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if contentType?.lowercased().contains("json") == true || trimmed.hasPrefix("{") {
            guard !trimmed.isEmpty else { return .map([:]) }
            guard let value = try? JSONDecoder().decode(RequestParameters.self, from: Data(trimmed.utf8)),
                case .map = value
            else { throw KeboolaAPIError.validation("Invalid JSON body.") }
            return value
        }
        return form(trimmed)
    }

    /// A form body; `a[b][]=c` nests like PHP's `$_POST`.
    static func form(_ body: String) -> RequestParameters {
        var root = RequestParameters.map([:])
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = formDecode(String(parts[0]))
            let value = parts.count > 1 ? formDecode(String(parts[1])) : ""
            root.insert(.text(value), at: path(of: name))
        }
        return root
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let flag = try? container.decode(Bool.self) {
            self = .text(flag ? "1" : "0")
        } else if let number = try? container.decode(Int64.self) {
            self = .text(String(number))
        } else if let number = try? container.decode(Double.self) {
            self = .text(String(number))
        } else if let list = try? container.decode([RequestParameters].self) {
            self = .list(list)
        } else {
            self = .map(try container.decode([String: RequestParameters].self))
        }
    }

    /// The value under `key` of a map.
    subscript(key: String) -> RequestParameters? {
        if case .map(let map) = self { return map[key] }
        return nil
    }

    /// The text of a scalar.
    var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// The elements of a list, or of a map whose keys are all indexes (`a[0]=…&a[1]=…`), by index.
    var elements: [RequestParameters]? {
        switch self {
        case .list(let list): return list
        case .map(let map):
            let indexed = map.compactMap { key, value in Int(key).map { ($0, value) } }
            guard indexed.count == map.count else { return nil }
            return indexed.sorted { $0.0 < $1.0 }.map(\.1)
        default: return nil
        }
    }

    /// `columns[0][name]` → `["columns", "0", "name"]`; `[]` → nil (append).
    private static func path(of name: String) -> [String?] {
        guard let open = name.firstIndex(of: "["), name.hasSuffix("]") else { return [name] }
        var path: [String?] = [String(name[..<open])]
        for part in name[open...].dropFirst().dropLast().components(separatedBy: "][") {
            path.append(part.isEmpty ? nil : part)
        }
        return path
    }

    private mutating func insert(_ value: RequestParameters, at path: [String?]) {
        guard let first = path.first else {
            self = value
            return
        }
        let rest = Array(path.dropFirst())
        switch (self, first) {
        case (.list(var list), nil):
            var child = RequestParameters.map([:])
            child.insert(value, at: rest)
            list.append(child)
            self = .list(list)
        case (.map(let map), nil) where map.isEmpty:
            var child = RequestParameters.map([:])
            child.insert(value, at: rest)
            self = .list([child])
        case (.map(var map), let key?):
            var child = map[key] ?? .map([:])
            child.insert(value, at: rest)
            map[key] = child
            self = .map(map)
        default:
            var fresh = RequestParameters.map([:])
            fresh.insert(value, at: path)
            self = fresh
        }
    }

    private static func formDecode(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
