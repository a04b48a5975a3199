import Foundation

/// Which fields an answer carries: the `fields` parameter of "Get issue" and "Search for issues using JQL
/// enhanced search" (`*all`, `*navigable`, field names, `-name` to leave one out).
struct JiraFieldSelection: Sendable, Hashable {
    enum Base: Sendable, Hashable {
        case all, navigable, none
    }

    var base: Base
    var included: Set<String> = []
    var excluded: Set<String> = []

    /// `tokens` as sent (each may hold a comma-separated list); `fallback` applies when none names a
    /// field or a set of fields.
    init(_ tokens: [String], fallback: Base) {
        let names = tokens.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        excluded = Set(names.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) })
        included = Set(names.filter { !$0.hasPrefix("-") && !$0.hasPrefix("*") })
        if names.contains("*all") {
            base = .all
        } else if names.contains("*navigable") {
            base = .navigable
        } else if !included.isEmpty {
            base = .none
        } else {
            base = fallback
        }
    }

    func includes(_ field: String) -> Bool {
        if excluded.contains(field) { return false }
        if included.contains(field) { return true }
        switch base {
        case .all: return true
        case .navigable: return field != "comment"
        case .none: return false
        }
    }

    /// Only `id` asked for (the enhanced search's default): the answer is `{"id": …}` per issue.
    var isIDOnly: Bool { base == .none && included == ["id"] }

    /// Only `id` and/or `key`: the enhanced search then pages up to 5,000 issues.
    var isIDOrKeyOnly: Bool { base == .none && included.isSubset(of: ["id", "key"]) }
}
