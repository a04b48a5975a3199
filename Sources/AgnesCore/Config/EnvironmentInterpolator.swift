import Logging

/// Replaces `${NAME}` references in the string values of a configuration tree with environment values.
///
/// Only the values of an already parsed tree are rewritten, never the YAML text, so a variable holding
/// YAML syntax (`"a: b"`, `"[x]"`) stays one string and cannot change the document's structure.
/// `$${NAME}` stands for a literal `${NAME}`. A variable that is not set becomes the empty string.
struct EnvironmentInterpolator {
    /// A `${NAME}` reference to a variable that is not set.
    struct UnsetReference: Hashable {
        /// The dotted path of the value holding the reference.
        var key: String
        /// The variable's name.
        var variable: String
    }

    var environment: [String: String]

    /// Interpolates every string in `value`, logging one warning per unset reference.
    func interpolate(_ value: ConfigValue, file: String, logger: Logger) -> ConfigValue {
        var unset: [UnsetReference] = []
        let result = interpolate(value, path: [], unset: &unset)
        for reference in unset {
            logger.warning(
                "\(file): \(reference.key): environment variable \(reference.variable) is not set; using \"\"",
                metadata: ["file": "\(file)", "key": "\(reference.key)", "variable": "\(reference.variable)"]
            )
        }
        return result
    }

    /// Interpolates every string in `value`, collecting the unset references in document order.
    func interpolate(_ value: ConfigValue, path: [String], unset: inout [UnsetReference]) -> ConfigValue {
        switch value {
        case .string(let text):
            return .string(interpolate(text, key: ConfigValue.dottedPath(path), unset: &unset))
        case .array(let elements):
            return .array(elements.enumerated().map { interpolate($1, path: path + [String($0)], unset: &unset) })
        case .object(let members):
            var result: [String: ConfigValue] = [:]
            // Sorted so warnings come out in a stable order.
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                result[key] = interpolate(member, path: path + [key], unset: &unset)
            }
            return .object(result)
        case .null, .bool, .int, .double:
            return value
        }
    }

    /// Interpolates one string. References with names that are not identifiers are left as written.
    func interpolate(_ text: String, key: String, unset: inout [UnsetReference]) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = text[...]
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[dollar...]
            if rest.hasPrefix("$${") {
                result += "${"
                rest = rest.dropFirst(3)
            } else if let reference = Self.reference(at: rest) {
                if let value = environment[String(reference.name)] {
                    result += value
                } else {
                    let unsetReference = UnsetReference(key: key, variable: String(reference.name))
                    if !unset.contains(unsetReference) { unset.append(unsetReference) }
                }
                rest = rest[rest.index(after: reference.close)...]
            } else {
                result += "$"
                rest = rest.dropFirst()
            }
        }
        return result + rest
    }

    /// The variable name and closing brace of a `${NAME}` at the start of `text`, if there is one.
    private static func reference(at text: Substring) -> (name: Substring, close: Substring.Index)? {
        guard text.hasPrefix("${"), let close = text.firstIndex(of: "}") else { return nil }
        let name = text[text.index(text.startIndex, offsetBy: 2)..<close]
        return isVariableName(name) ? (name, close) : nil
    }

    /// Whether `name` is a shell-style variable name: `[A-Za-z_][A-Za-z0-9_]*`.
    static func isVariableName(_ name: some StringProtocol) -> Bool {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, first == "_" || isASCIILetter(first) else { return false }
        return scalars.allSatisfy { $0 == "_" || isASCIILetter($0) || ("0"..."9").contains($0) }
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
