import AgnesCore

/// Secrets in configuration trees: which keys hold them, how they are shown (`***`, or `<empty>`
/// when unset), and how a shown value sent back unchanged is told from a new one.
enum ConfigRedaction {
    /// A key whose name contains one of these (any case) holds a secret (a webhook URL carries its
    /// secret in its path).
    static let secretPatterns = ["secret", "token", "password", "api_key", "webhook"]
    /// What a set secret is shown as.
    static let hidden = "***"
    /// What an unset secret is shown as.
    static let empty = "<empty>"

    static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return secretPatterns.contains { lowered.contains($0) }
    }

    /// The tree with every secret replaced by `***` or `<empty>`.
    static func redacted(_ value: ConfigValue, key: String? = nil) -> ConfigValue {
        if let key, isSecret(key), value.objectValue == nil, value.arrayValue == nil {
            let isUnset = value.isNull || value.stringValue?.isEmpty == true
            return .string(isUnset ? empty : hidden)
        }
        switch value {
        case .object(let members):
            return .object(members.reduce(into: [:]) { $0[$1.key] = redacted($1.value, key: $1.key) })
        case .array(let elements):
            return .array(elements.map { redacted($0, key: key) })
        default:
            return value
        }
    }

    /// The tree without the secret keys whose value is a redaction sentinel (sent back as shown).
    static func droppingSentinels(_ value: ConfigValue) -> ConfigValue {
        guard case .object(let members) = value else { return value }
        var kept: [String: ConfigValue] = [:]
        for (key, member) in members {
            if isSecret(key), let text = member.stringValue, text == hidden || text == empty { continue }
            kept[key] = droppingSentinels(member)
        }
        return .object(kept)
    }

    /// One changed leaf: its dotted path and the values before and after (secrets masked).
    struct Change: Encodable, Equatable {
        let path: String
        let before: ConfigValue?
        let after: ConfigValue?
    }

    /// Every leaf that differs between two trees.
    static func diff(_ before: ConfigValue?, _ after: ConfigValue?, path: [String] = []) -> [Change] {
        let old = before?.objectValue
        let new = after?.objectValue
        if old != nil || new != nil, (old != nil || before == nil || before?.isNull == true),
            new != nil || after == nil || after?.isNull == true
        {
            let keys = Set((old ?? [:]).keys).union((new ?? [:]).keys).sorted()
            return keys.flatMap { diff(old?[$0], new?[$0], path: path + [$0]) }
        }
        guard before != after else { return [] }
        let key = path.last ?? ""
        func shown(_ value: ConfigValue?) -> ConfigValue? {
            guard let value else { return nil }
            return isSecret(key) ? redacted(value, key: key) : value
        }
        return [Change(path: path.joined(separator: "."), before: shown(before), after: shown(after))]
    }
}
