import Foundation

/// Finds the Claude Code session transcripts of a workspace (REFERENCE §2.5): `*.jsonl` in
/// `~/.claude/projects/<encoded workspace path>/` under each encoding Claude Code has used (`/` → `-`;
/// every non-alphanumeric → `-`, with and without runs collapsed), the newest file winning per name,
/// plus legacy `<workspace>/user/sessions/*.jsonl` for names not found there.
public struct SessionFinder: Sendable {
    /// One transcript.
    public struct Session: Sendable, Equatable {
        /// The file name (what the server stores it as).
        public var name: String
        /// The file.
        public var url: URL
        /// Its size.
        public var size: Int64
        /// Its modification time (ns since 1970).
        public var modifiedNanoseconds: Int64
    }

    /// The workspace.
    public let workspace: Workspace
    /// Claude Code's directory (`CLAUDE_CONFIG_DIR` or `~/.claude`).
    public let claudeHome: URL

    /// A finder for `workspace`, with Claude Code's directory from `environment`.
    public init(workspace: Workspace, environment: [String: String]) {
        self.workspace = workspace
        if let explicit = environment["CLAUDE_CONFIG_DIR"], !explicit.isEmpty {
            claudeHome = URL(fileURLWithPath: explicit, isDirectory: true)
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            claudeHome = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(
                ".claude", isDirectory: true)
        }
    }

    /// The directory names Claude Code may have used for `path`.
    public static func encodings(of path: String) -> [String] {
        let slashes = path.replacingOccurrences(of: "/", with: "-")
        let every = String(path.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        var collapsed = ""
        for character in every where !(character == "-" && collapsed.hasSuffix("-")) { collapsed.append(character) }
        var seen = Set<String>()
        return [slashes, every, collapsed].filter { seen.insert($0).inserted }
    }

    /// The transcripts, sorted by name.
    public func sessions() -> [Session] {
        var byName: [String: Session] = [:]
        let projects = claudeHome.appendingPathComponent("projects", isDirectory: true)
        for encoded in Self.encodings(of: workspace.root.path) {
            for session in Self.transcripts(in: projects.appendingPathComponent(encoded, isDirectory: true)) {
                if let existing = byName[session.name], existing.modifiedNanoseconds >= session.modifiedNanoseconds {
                    continue
                }
                byName[session.name] = session
            }
        }
        for session in Self.transcripts(in: workspace.sessionsDirectory) where byName[session.name] == nil {
            byName[session.name] = session
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    static func transcripts(in directory: URL) -> [Session] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }.compactMap { name in
            let url = directory.appendingPathComponent(name)
            guard let stamp = FileStamp.of(url.path) else { return nil }
            return Session(name: name, url: url, size: stamp.size, modifiedNanoseconds: stamp.modifiedNanoseconds)
        }
    }
}
