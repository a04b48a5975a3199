import Foundation

/// Typed, validated reads of the merged configuration, whose errors name the file a value came from.
///
/// Values written as strings are accepted where numbers are expected when they parse cleanly, because
/// `${ENV}` interpolation always yields strings (`timeout_seconds: "${TIMEOUT}"`).
struct ConfigReader {
    /// One configuration file's tree.
    struct Layer {
        var file: String
        var tree: ConfigValue
    }

    /// The files, lowest precedence first.
    let layers: [Layer]
    /// The deep merge of all layers.
    let merged: ConfigValue

    init(layers: [Layer]) {
        self.layers = layers
        self.merged = layers.reduce(ConfigValue.object([:])) { $0.merging($1.tree) }
    }

    /// The file that supplied the effective value at `path`: the highest layer that has the key, or that
    /// replaced one of its parents with a non-object.
    func file(for path: [String]) -> String {
        for layer in layers.reversed() {
            var current = layer.tree
            var found = true
            for key in path {
                guard case .object(let members) = current else { break }
                guard let next = members[key] else {
                    found = false
                    break
                }
                current = next
            }
            if found { return layer.file }
        }
        return layers.last?.file ?? "configuration"
    }

    /// The value at `path`, or `nil` when it or a parent is missing or null. A parent that is neither an
    /// object nor null is an error.
    func value(at path: [String]) throws(ConfigError) -> ConfigValue? {
        var current = merged
        for (depth, key) in path.enumerated() {
            switch current {
            case .object(let members):
                guard let next = members[key] else { return nil }
                current = next
            case .null:
                return nil
            default:
                let parent = Array(path[..<depth])
                throw .typeMismatch(
                    file: file(for: parent),
                    key: ConfigValue.dottedPath(parent),
                    expected: "an object",
                    got: current
                )
            }
        }
        return current.isNull ? nil : current
    }

    /// Checks that the value at `path`, if any, is an object.
    func object(at path: [String]) throws(ConfigError) -> [String: ConfigValue]? {
        guard let value = try value(at: path) else { return nil }
        guard let members = value.objectValue else { throw mismatch(path, expected: "an object", got: value) }
        return members
    }

    /// Checks that the value at `path`, if any, is a list.
    func list(at path: [String]) throws(ConfigError) -> [ConfigValue]? {
        guard let value = try value(at: path) else { return nil }
        guard let elements = value.arrayValue else { throw mismatch(path, expected: "a list", got: value) }
        return elements
    }

    /// A string (numbers are taken as written), or `nil` when missing, null or empty.
    func string(at path: [String]) throws(ConfigError) -> String? {
        guard let value = try value(at: path) else { return nil }
        let text: String
        switch value {
        case .string(let string): text = string
        case .int, .double: text = value.description
        default: throw mismatch(path, expected: "a string", got: value)
        }
        return text.isEmpty ? nil : text
    }

    /// A string from `choices` compared case-insensitively and returned lowercased, or `nil` when missing.
    func choice(at path: [String], from choices: [String]) throws(ConfigError) -> String? {
        guard let text = try string(at: path) else { return nil }
        guard choices.contains(text.lowercased()) else {
            throw .invalidValue(
                file: file(for: path),
                key: ConfigValue.dottedPath(path),
                expected: "one of " + choices.joined(separator: ", "),
                got: .string(text)
            )
        }
        return text.lowercased()
    }

    /// An integer greater than zero, or `defaultValue` when missing or null.
    func positiveInt(at path: [String], default defaultValue: Int) throws(ConfigError) -> Int {
        guard let value = try value(at: path) else { return defaultValue }
        let number: Int?
        switch value {
        case .string(let text): number = Int(text.trimmingCharacters(in: .whitespaces))
        default: number = value.intValue
        }
        guard let number else { throw mismatch(path, expected: "a positive integer", got: value) }
        guard number > 0 else {
            throw .invalidValue(
                file: file(for: path),
                key: ConfigValue.dottedPath(path),
                expected: "a positive integer",
                got: value
            )
        }
        return number
    }

    /// A number zero or greater, or `defaultValue` when missing or null.
    func nonNegativeDouble(at path: [String], default defaultValue: Double) throws(ConfigError) -> Double {
        guard let value = try value(at: path) else { return defaultValue }
        let number: Double?
        switch value {
        case .string(let text): number = Double(text.trimmingCharacters(in: .whitespaces))
        default: number = value.doubleValue
        }
        guard let number, number.isFinite, number >= 0 else {
            throw mismatch(path, expected: "a number zero or greater", got: value)
        }
        return number
    }

    private func mismatch(_ path: [String], expected: String, got value: ConfigValue) -> ConfigError {
        .typeMismatch(file: file(for: path), key: ConfigValue.dottedPath(path), expected: expected, got: value)
    }
}

extension ConfigReader {
    /// ``positiveInt(at:default:)`` with a dotted path.
    func positiveInt(_ dottedPath: String, default defaultValue: Int) throws(ConfigError) -> Int {
        try positiveInt(at: ConfigValue.keys(of: dottedPath), default: defaultValue)
    }
}
