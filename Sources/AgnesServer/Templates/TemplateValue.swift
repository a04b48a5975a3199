/// A value a prompt template can reach: `{{name}}` prints text or a number, `{{#name}}…{{/name}}`
/// repeats over a list, enters an object or shows its content when a flag is true, and
/// `{{^name}}…{{/name}}` shows its content when the value is false, null or an empty list.
///
/// ```swift
/// let context: TemplateValue = .object(["user": .object(["email": "ana@example.com"]), "tables": .list([])])
/// ```
enum TemplateValue: Sendable, Equatable, ExpressibleByStringLiteral {
    case text(String)
    case number(Int)
    case flag(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])
    case null

    init(stringLiteral value: String) { self = .text(value) }

    /// Text, or null when there is none.
    static func text(_ value: String?) -> TemplateValue { value.map { .text($0) } ?? .null }

    /// Every key of every object in the value, at any depth: the names a template may use.
    var names: Set<String> {
        switch self {
        case .object(let fields):
            fields.reduce(into: Set(fields.keys)) { names, field in names.formUnion(field.value.names) }
        case .list(let items): items.reduce(into: []) { names, item in names.formUnion(item.names) }
        case .text, .number, .flag, .null: []
        }
    }
}
