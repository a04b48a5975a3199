/// A guide bundled with the CLI (`agnes skills list|show`).
///
/// The guides are Markdown written for the AI agent on the analyst's machine and for the people who
/// run Agnes; each describes this version as it is, and says plainly what is not available yet.
///
/// ```swift
/// for skill in BundledSkill.all { print(skill.name, "—", skill.summary) }
/// print(BundledSkill.named("setup")?.body ?? "no such guide")
/// ```
public struct BundledSkill: Sendable {
    /// The name `agnes skills show` takes.
    public let name: String
    /// One line for `agnes skills list`.
    public let summary: String
    /// The guide, Markdown.
    public let body: String
}

extension BundledSkill {
    /// Every bundled guide, in the order `agnes skills list` prints them.
    public static let all: [BundledSkill] = [
        .dataQuerying, .tableRegistration, .connectors, .corporateMemory, .deploy, .notifications, .security,
        .setup, .troubleshoot,
    ]

    /// The guide named `name` (case-insensitive), if any.
    ///
    /// ```swift
    /// BundledSkill.named("Troubleshoot")?.name  // "troubleshoot"
    /// ```
    public static func named(_ name: String) -> BundledSkill? {
        let wanted = name.lowercased()
        return all.first { $0.name.lowercased() == wanted }
    }
}
