import Yams

extension ConfigValue {
    /// Parses a YAML document whose top level is a mapping; an empty document is an empty object.
    ///
    /// `file` is only used to name the source in errors.
    static func parseYAML(_ text: String, file: String) throws(ConfigError) -> ConfigValue {
        let value = try parseYAMLDocument(text, file: file)
        switch value {
        case .object: return value
        case .null: return .object([:])
        default:
            throw .typeMismatch(file: file, key: dottedPath([]), expected: "a mapping of keys to values", got: value)
        }
    }

    /// Parses one YAML document whatever its top level (a mapping, a list or a scalar); an empty document
    /// is ``null``. Scalars resolve with YAML's core schema and `<<` merge keys are honoured, as in
    /// configuration files.
    ///
    /// `file` only names the source in errors, whose ``ConfigError/message`` gives the line and column.
    ///
    /// ```swift
    /// let metrics = try ConfigValue.parseYAMLDocument("- name: mrr\n  category: revenue\n", file: "upload")
    /// metrics.arrayValue?.first?["name"]?.stringValue  // "mrr"
    /// ```
    public static func parseYAMLDocument(_ text: String, file: String) throws(ConfigError) -> ConfigValue {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError.yamlSyntax(error, file: file, text: text)
        } catch {
            throw ConfigError(code: .invalidYAML, message: "\(file): invalid YAML: \(error)", cause: error)
        }
        guard let root else { return .null }
        return try ConfigValue(yaml: root, path: [], file: file)
    }

    /// Converts a composed YAML node, resolving scalars with YAML's core schema; `<<` merge keys are honoured.
    init(yaml node: Node, path: [String], file: String) throws(ConfigError) {
        switch node {
        case .scalar(let scalar):
            self = Self.scalar(node, text: scalar.string)
        case .sequence(let sequence):
            var elements: [ConfigValue] = []
            for (index, element) in sequence.enumerated() {
                elements.append(try ConfigValue(yaml: element, path: path + [String(index)], file: file))
            }
            self = .array(elements)
        case .mapping(let mapping):
            self = .object(try Self.members(of: mapping, path: path, file: file))
        case .alias:
            // Yams dereferences aliases while composing; an alias node here means an undefined anchor.
            throw ConfigError(code: .invalidYAML, message: "\(file): \(Self.dottedPath(path)): unresolved YAML alias")
        }
    }

    private static func scalar(_ node: Node, text: String) -> ConfigValue {
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case .null: .null
        case .bool: node.bool.map(ConfigValue.bool) ?? .string(text)
        case .int: node.int.map(ConfigValue.int) ?? node.float.map(ConfigValue.double) ?? .string(text)
        case .float: node.float.map(ConfigValue.double) ?? .string(text)
        default: .string(text)
        }
    }

    private static func members(
        of mapping: Node.Mapping,
        path: [String],
        file: String
    ) throws(ConfigError) -> [String: ConfigValue] {
        var members: [String: ConfigValue] = [:]
        var inherited: [String: ConfigValue] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                let key = try ConfigValue(yaml: keyNode, path: path, file: file)
                throw .typeMismatch(file: file, key: dottedPath(path), expected: "string keys", got: key)
            }
            let value = try ConfigValue(yaml: valueNode, path: path + [keyScalar.string], file: file)
            if keyNode.tag.rawValue == Tag.Name.merge.rawValue {
                // Explicit keys win over merged ones whatever their order, as in YAML's merge-key spec.
                for source in try mergeSources(value, path: path, file: file) {
                    inherited.merge(source) { earlier, _ in earlier }
                }
            } else {
                members[keyScalar.string] = value
            }
        }
        return members.merging(inherited) { explicit, _ in explicit }
    }

    private static func mergeSources(
        _ value: ConfigValue,
        path: [String],
        file: String
    ) throws(ConfigError) -> [[String: ConfigValue]] {
        switch value {
        case .object(let members):
            return [members]
        case .array(let elements):
            var sources: [[String: ConfigValue]] = []
            for element in elements {
                guard case .object(let members) = element else {
                    throw .typeMismatch(file: file, key: dottedPath(path + ["<<"]), expected: "objects", got: value)
                }
                sources.append(members)
            }
            return sources
        default:
            throw .typeMismatch(
                file: file,
                key: dottedPath(path + ["<<"]),
                expected: "an object or a list of objects",
                got: value
            )
        }
    }
}

extension ConfigError {
    /// A YAML syntax error, positioned at the line and column the parser reported.
    static func yamlSyntax(_ error: YamlError, file: String, text: String) -> ConfigError {
        let detail: String
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let contextText = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            detail = "line \(mark.line), column \(mark.column): invalid YAML: \(problem)\(contextText)"
        case .reader(let problem, let offset, _, _):
            let line = offset.map { text.prefix($0).filter(\.isNewline).count + 1 }
            detail = (line.map { "line \($0): " } ?? "") + "invalid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            detail =
                "line \(context.mark.line), column \(context.mark.column): "
                + "invalid YAML: duplicated keys \(duplicates.joined(separator: ", "))"
        default:
            detail = "invalid YAML: \(error)"
        }
        return ConfigError(code: .invalidYAML, message: "\(file): \(detail)", cause: error)
    }
}
