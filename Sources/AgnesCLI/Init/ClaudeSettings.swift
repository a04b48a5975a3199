import AgnesClient
import Foundation

/// `.claude/settings.json`: created with Agnes's defaults when absent, then given the session hooks
/// (`SessionStart` → `agnes pull`, `SessionEnd` → `agnes push`). Merging is idempotent: earlier Agnes
/// hook entries (every command mentions `agnes pull`, `agnes push` or `da sync`) are replaced, all
/// other hooks and settings are kept.
public struct ClaudeSettings: Sendable {
    /// What happened to the file.
    public enum Outcome: String, Sendable, Encodable {
        case created, updated, unchanged
        /// The file is not valid JSON: left alone.
        case skipped
    }

    /// The hook commands.
    public static let hooks = [
        "SessionStart": "agnes pull --quiet 2>/dev/null || true",
        "SessionEnd": "agnes push --quiet 2>/dev/null || true",
    ]

    static let defaults: JSONValue = .object([
        "model": .string("sonnet"),
        "permissions": .object(["allow": .array(["Read", "Bash", "Grep", "Glob"].map(JSONValue.string))]),
    ])

    static let ownMarkers = ["agnes pull", "agnes push", "da sync"]

    /// The workspace.
    public let workspace: Workspace

    /// Creates a writer.
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// Creates or merges the file.
    public func install() throws -> Outcome {
        let url = workspace.settingsFile
        let existing = FileManager.default.contents(atPath: url.path)
        var settings = Self.defaults
        if let existing {
            guard let decoded = try? JSONDecoder().decode(JSONValue.self, from: existing), case .object = decoded else {
                return .skipped
            }
            settings = decoded
        }
        let merged = Self.merge(settings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(merged) + Data("\n".utf8) } catch {
            throw ClientError(.io, "could not encode \(url.path): \(error)")
        }
        if let existing, existing == data { return .unchanged }
        try AtomicFile.createDirectory(workspace.claudeDirectory)
        try AtomicFile.write(data, to: url)
        return existing == nil ? .created : .updated
    }

    /// `settings` with Agnes's hooks in place of earlier ones.
    static func merge(_ settings: JSONValue) -> JSONValue {
        guard case .object(var top) = settings else { return settings }
        var hooks: [String: JSONValue] = [:]
        if case .object(let current)? = top["hooks"] { hooks = current }
        for (event, command) in Self.hooks.sorted(by: { $0.key < $1.key }) {
            var entries: [JSONValue] = []
            if case .array(let current)? = hooks[event] { entries = current.filter { !isOwn($0) } }
            entries.append(
                .object([
                    "hooks": .array([.object(["type": .string("command"), "command": .string(command)])])
                ]))
            hooks[event] = .array(entries)
        }
        top["hooks"] = .object(hooks)
        return .object(top)
    }

    /// True for an entry whose every command is an Agnes (or legacy `da`) sync command.
    static func isOwn(_ entry: JSONValue) -> Bool {
        guard case .array(let inner)? = entry["hooks"], !inner.isEmpty else { return false }
        return inner.allSatisfy { hook in
            guard let command = hook["command"]?.string else { return false }
            return ownMarkers.contains { command.contains($0) }
        }
    }
}
