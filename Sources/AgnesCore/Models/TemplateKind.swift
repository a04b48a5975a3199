/// The admin-editable text templates, each stored as a singleton row.
public enum TemplateKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The agent setup prompt shown on `/setup`.
    case welcome
    /// The setup banner (kept for compatibility; unused).
    case setupBanner = "setup_banner"
    /// The analyst workspace `CLAUDE.md` prompt.
    case claudeMD = "claude_md"
}
