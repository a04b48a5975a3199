/// A configuration tree as read from YAML or JSON: the whole of `instance.yaml` is one of these.
///
/// Objects are unordered dictionaries, so equality never depends on key order. There is deliberately no
/// `nil` literal: it would make `condition ? nil : value` silently produce ``null`` instead of no value.
///
/// ```swift
/// let config: ConfigValue = ["auth": ["allowed_domain": "example.com"]]
/// config["auth.allowed_domain"]?.stringValue  // "example.com"
/// ```
public enum ConfigValue: Sendable, Hashable {
    /// An explicit null (`~`, `null` or an empty value in YAML).
    case null
    /// A boolean.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)
    /// A list.
    case array([ConfigValue])
    /// A mapping from string keys to values.
    case object([String: ConfigValue])
}

extension ConfigValue {
    /// Whether this is ``null``.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The boolean, if this is ``bool(_:)``.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer, if this is ``int(_:)`` or a ``double(_:)`` with an exact integer value.
    public var intValue: Int? {
        switch self {
        case .int(let value): value
        case .double(let value): Int(exactly: value)
        default: nil
        }
    }

    /// The number, if this is ``int(_:)`` or ``double(_:)``.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The string, if this is ``string(_:)``.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements, if this is ``array(_:)``.
    public var arrayValue: [ConfigValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, if this is ``object(_:)``.
    public var objectValue: [String: ConfigValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The kind of value with an article, for messages: "an object", "a string".
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

extension ConfigValue: ExpressibleByBooleanLiteral {
    /// Creates a ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension ConfigValue: ExpressibleByIntegerLiteral {
    /// Creates an ``int(_:)``.
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension ConfigValue: ExpressibleByFloatLiteral {
    /// Creates a ``double(_:)``.
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension ConfigValue: ExpressibleByStringLiteral {
    /// Creates a ``string(_:)``.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension ConfigValue: ExpressibleByArrayLiteral {
    /// Creates an ``array(_:)``.
    public init(arrayLiteral elements: ConfigValue...) { self = .array(elements) }
}

extension ConfigValue: ExpressibleByDictionaryLiteral {
    /// Creates an ``object(_:)``; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, ConfigValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
