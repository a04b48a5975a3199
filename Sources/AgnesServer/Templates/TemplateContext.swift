import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation

/// The pieces the prompt templates' contexts share, and the rule that keeps values from users and
/// admins inside their line.
enum TemplateContext {
    /// One line of plain text: control characters and line breaks become spaces, backticks quotes, so
    /// that no description or name can open a heading, a list item or a code block of its own.
    static func line(_ value: String) -> String {
        let flat = String(
            String.UnicodeScalarView(
                value.unicodeScalars.map {
                    $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0
                }))
        return flat.replacingOccurrences(of: "`", with: "'").trimmingCharacters(in: .whitespaces)
    }

    /// ``line(_:)``, or null for nil and for text that is empty once flattened.
    static func line(_ value: String?) -> TemplateValue {
        guard let value else { return .null }
        let flat = line(value)
        return flat.isEmpty ? .null : .text(flat)
    }

    /// `instance`: `{name, subtitle}`.
    static func instance(_ settings: AgnesSettings) -> TemplateValue {
        .object([
            "name": .text(line(settings.instanceName)),
            "subtitle": line(settings.instance["instance.subtitle"]?.stringValue),
        ])
    }

    /// `server`: `{url, hostname}`; `url` is already checked (``WelcomeRoutes/serverURL(_:)``).
    static func server(url: String) -> TemplateValue {
        .object(["url": .text(line(url)), "hostname": .text(line(URL(string: url)?.host ?? url))])
    }

    /// `user`: `{id, email, name, display_name, is_admin, groups, groups_text}`.
    static func user(_ user: User, isAdmin: Bool, groups: [String]) -> TemplateValue {
        let groupNames = groups.map(line).filter { !$0.isEmpty }
        return .object([
            "id": .text(user.id), "email": .text(line(user.email)), "name": line(user.name),
            "display_name": .text(line(user.name.flatMap { $0.isEmpty ? nil : $0 } ?? user.email)),
            "is_admin": .flag(isAdmin), "groups": .list(groupNames.map { .text($0) }),
            "groups_text": groupNames.isEmpty ? .null : .text(groupNames.joined(separator: ", ")),
        ])
    }

    /// The caller's `user`, with their groups from the store.
    static func user(_ caller: AuthenticatedUser, store: SystemStore) async throws -> TemplateValue {
        let groups = try await DuckDBGroupRepository(store: store).groups(ofUser: caller.user.id)
        return user(caller.user, isAdmin: caller.isAdmin, groups: groups.map(\.name).sorted())
    }

    /// `now` (ISO 8601, UTC) and `today` (`YYYY-MM-DD`).
    static func clock(_ date: Date) -> [String: TemplateValue] {
        ["now": .text(date.wireText), "today": .text(date.formatted(.iso8601.year().month().day()))]
    }

    /// A stand-in user for validating templates.
    static let stubUser = user(
        User(id: "00000000-0000-0000-0000-000000000000", email: "analyst@example.com", name: "Ada Analyst"),
        isAdmin: false, groups: ["Analysts"])
}
