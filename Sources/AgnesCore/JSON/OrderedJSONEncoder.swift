import Foundation

/// A JSON encoder that writes object members in the order `encode(to:)` encodes them.
///
/// Foundation's `JSONEncoder` writes them in hash order (or sorted, with `.sortedKeys`), which turns
/// a row `{"id":…, "name":…, "amount":…}` into alphabetical or random order; rows and every other
/// object that stands for a table's columns must keep the table's column order. Types whose members
/// come from a `Dictionary` have no order of their own: encode those as ordered pairs.
///
/// Dates are ISO 8601 text, `Data` base64, non-finite numbers are refused, and `/` is not escaped.
public struct OrderedJSONEncoder: Sendable {
    public init() {}

    /// The compact JSON text of `value`.
    public func encode(_ value: some Encodable) throws -> Data {
        let root = JSONNode()
        try Self.encode(value, into: root, codingPath: [])
        var output = ""
        root.write(into: &output)
        return Data(output.utf8)
    }

    static func encode(_ value: some Encodable, into node: JSONNode, codingPath: [any CodingKey]) throws {
        switch value {
        case let date as Date:
            node.setRaw(JSONNode.quoted(date.formatted(.iso8601)))
        case let data as Data:
            node.setRaw(JSONNode.quoted(data.base64EncodedString()))
        case let url as URL:
            node.setRaw(JSONNode.quoted(url.absoluteString))
        case let decimal as Decimal:
            node.setRaw(decimal.description)
        default:
            try value.encode(to: JSONNodeEncoder(node: node, codingPath: codingPath))
        }
    }
}

/// One value of the tree being built; containers fill it after it is placed in its parent. Members
/// and items are appended in place (with an index of member keys), so a wide object costs linear time.
final class JSONNode {
    enum Kind {
        case empty, raw, array, object
    }

    private(set) var kind = Kind.empty
    private var raw = ""
    private var items: [JSONNode] = []
    private var members: [(key: String, value: JSONNode)] = []
    private var keys: [String: Int] = [:]

    func setRaw(_ text: String) {
        kind = .raw
        raw = text
    }

    func makeObject() {
        guard kind != .object else { return }
        kind = .object
        members = []
        keys = [:]
    }

    func makeArray() {
        guard kind != .array else { return }
        kind = .array
        items = []
    }

    func write(into output: inout String) {
        switch kind {
        case .empty: output += "{}"
        case .raw: output += raw
        case .array:
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(into: &output)
            }
            output += "]"
        case .object:
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                output += Self.quoted(member.key)
                output += ":"
                member.value.write(into: &output)
            }
            output += "}"
        }
    }

    /// A new member `key` (encoding a key twice replaces it, as JSONEncoder does).
    func append(_ key: String) -> JSONNode {
        makeObject()
        let child = JSONNode()
        if let index = keys[key] {
            members[index].value = child
        } else {
            keys[key] = members.count
            members.append((key, child))
        }
        return child
    }

    func append() -> JSONNode {
        makeArray()
        let child = JSONNode()
        items.append(child)
        return child
    }

    var count: Int { kind == .array ? items.count : 0 }

    /// `text` as a JSON string.
    static func quoted(_ text: String) -> String {
        var output = "\""
        output.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case let control where control.value < 0x20:
                output += "\\u00" + (control.value < 0x10 ? "0" : "") + String(control.value, radix: 16)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// A number's JSON text; NaN and infinities are not JSON.
    static func number(_ value: Double, codingPath: [any CodingKey]) throws -> String {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "\(value) is not a JSON number"))
        }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

/// The `Encoder` that fills one node.
struct JSONNodeEncoder: Encoder {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath)
    }
}

/// Writes a scalar or an `Encodable` into a node: the one place every container funnels into.
private func place(_ value: some Encodable, in node: JSONNode, codingPath: [any CodingKey]) throws {
    switch value {
    case let text as String: node.setRaw(JSONNode.quoted(text))
    case let flag as Bool: node.setRaw(flag ? "true" : "false")
    case let number as Double: node.setRaw(try JSONNode.number(number, codingPath: codingPath))
    case let number as Float: node.setRaw(try JSONNode.number(Double(number), codingPath: codingPath))
    case let number as any BinaryInteger: node.setRaw(String(describing: number))
    default: try OrderedJSONEncoder.encode(value, into: node, codingPath: codingPath)
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.append(key.stringValue).setRaw("null") }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try put(value, key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try put(value, key) }

    private func put(_ value: some Encodable, _ key: Key) throws {
        try place(value, in: node.append(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        JSONNodeEncoder(node: node.append(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        JSONNodeEncoder(node: node.append(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        JSONNodeEncoder(node: node.append("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        JSONNodeEncoder(node: node.append(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    mutating func encodeNil() throws { node.append().setRaw("null") }
    mutating func encode(_ value: Bool) throws { try put(value) }
    mutating func encode(_ value: String) throws { try put(value) }
    mutating func encode(_ value: Double) throws { try put(value) }
    mutating func encode(_ value: Float) throws { try put(value) }
    mutating func encode(_ value: Int) throws { try put(value) }
    mutating func encode(_ value: Int8) throws { try put(value) }
    mutating func encode(_ value: Int16) throws { try put(value) }
    mutating func encode(_ value: Int32) throws { try put(value) }
    mutating func encode(_ value: Int64) throws { try put(value) }
    mutating func encode(_ value: UInt) throws { try put(value) }
    mutating func encode(_ value: UInt8) throws { try put(value) }
    mutating func encode(_ value: UInt16) throws { try put(value) }
    mutating func encode(_ value: UInt32) throws { try put(value) }
    mutating func encode(_ value: UInt64) throws { try put(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try put(value) }

    private func put(_ value: some Encodable) throws {
        let path = codingPath + [IndexKey(node.count)]
        try place(value, in: node.append(), codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let path = codingPath + [IndexKey(node.count)]
        return JSONNodeEncoder(node: node.append(), codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(node.count)]
        return JSONNodeEncoder(node: node.append(), codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        JSONNodeEncoder(node: node.append(), codingPath: codingPath)
    }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.setRaw("null") }
    mutating func encode(_ value: Bool) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: String) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: Double) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: Int8) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: Int16) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: Int32) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: Int64) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: UInt) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: UInt8) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: UInt16) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: UInt32) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode(_ value: UInt64) throws { try place(value, in: node, codingPath: codingPath) }
    mutating func encode<T: Encodable>(_ value: T) throws { try place(value, in: node, codingPath: codingPath) }
}

/// An object whose members keep the given order (for `OrderedJSONEncoder`); `init(sorting:)` orders a
/// dictionary's members by key, since a dictionary has no order of its own.
public struct OrderedMembers<Value: Encodable>: Encodable {
    public let pairs: [(String, Value)]

    public init(_ pairs: [(String, Value)]) { self.pairs = pairs }

    public init(sorting dictionary: [String: Value]) {
        self.pairs = dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in pairs { try container.encode(value, forKey: Key(stringValue: name)) }
    }
}
