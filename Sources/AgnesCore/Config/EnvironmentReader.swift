import Foundation

/// Typed, validated reads of environment variables; errors name the variable.
struct EnvironmentReader {
    var environment: [String: String]

    private static let truthy: Set<String> = ["1", "true", "yes", "on"]
    private static let falsy: Set<String> = ["0", "false", "no", "off"]

    /// The value without surrounding whitespace, or `nil` when unset or blank.
    func string(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// A boolean flag: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off` in any case; unset or blank
    /// gives `defaultValue`.
    func flag(_ name: String, default defaultValue: Bool) throws(ConfigError) -> Bool {
        guard let value = string(name) else { return defaultValue }
        let lowered = value.lowercased()
        if Self.truthy.contains(lowered) { return true }
        if Self.falsy.contains(lowered) { return false }
        throw .invalidEnvironment(variable: name, expected: "one of 1, true, yes, on, 0, false, no, off", value: value)
    }

    /// A comma-separated list with blank items dropped, or `nil` when unset or empty.
    func list(_ name: String) -> [String]? {
        guard let value = string(name) else { return nil }
        let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return items.isEmpty ? nil : items
    }

    /// A value parsed by `parse`, or `nil` when unset or blank; a value `parse` rejects is an error.
    func value<T>(_ name: String, expected: String, parse: (String) -> T?) throws(ConfigError) -> T? {
        guard let value = string(name) else { return nil }
        guard let parsed = parse(value) else {
            throw .invalidEnvironment(variable: name, expected: expected, value: value)
        }
        return parsed
    }
}
