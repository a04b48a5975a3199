import Mustache

/// An object of a ``TemplateValue`` as Mustache looks names up in it, noting every name that no
/// object of the context knows: Mustache prints nothing for an unknown name, and a typo must be
/// refused when the template is saved, not shipped as a silently missing line.
///
/// A miss of a name that some object of the context does know is not noted: inside
/// `{{#tables}}…{{/tables}}`, `{{today}}` is first looked up in the table and then, by Mustache's
/// rules, in the enclosing objects.
final class TemplateScope: MustacheParent {
    /// The names looked up that the context does not have, shared by all the scopes of one render.
    final class Misses {
        let known: Set<String>
        var names: [String] = []

        init(known: Set<String>) { self.known = known }
    }

    let fields: [String: TemplateValue]
    let path: String
    let misses: Misses

    init(fields: [String: TemplateValue], path: String, misses: Misses) {
        self.fields = fields
        self.path = path
        self.misses = misses
    }

    func child(named name: String) -> Any? {
        guard let value = fields[name] else {
            if !misses.known.contains(name) { misses.names.append(path.isEmpty ? name : "\(path).\(name)") }
            return nil
        }
        return unwrap(value, path: path.isEmpty ? name : "\(path).\(name)")
    }

    /// The value as Mustache renders it; null is `nil`, so `{{^name}}` shows its content for it.
    func unwrap(_ value: TemplateValue, path: String) -> Any? {
        switch value {
        case .text(let text): text
        case .number(let number): number
        case .flag(let flag): flag
        case .list(let items): items.compactMap { unwrap($0, path: path) } as [Any]
        case .object(let fields): TemplateScope(fields: fields, path: path, misses: misses)
        case .null: nil
        }
    }
}
