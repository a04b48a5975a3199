import AgnesCLI
import AgnesClient
import Foundation
import Testing

@Suite struct WorkspaceFilesTests {
    @Test func settingsAreCreatedWithDefaultsAndHooks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        #expect(try ClaudeSettings(workspace: workspace).install() == .created)
        let settings = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: workspace.settingsFile))
        #expect(settings["model"] == .string("sonnet"))
        let start = settings["hooks"]?["SessionStart"]
        #expect(start?.jsonText.contains("agnes pull --quiet 2>/dev/null || true") == true)
        #expect(try ClaudeSettings(workspace: workspace).install() == .unchanged)
    }

    @Test func mergingKeepsOtherHooksAndReplacesOldAgnesOnes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        try FileManager.default.createDirectory(at: workspace.claudeDirectory, withIntermediateDirectories: true)
        let existing = """
            {"model": "opus", "hooks": {"SessionStart": [
              {"hooks": [{"type": "command", "command": "da sync --quiet"}]},
              {"hooks": [{"type": "command", "command": "my-linter --check"}]}
            ], "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "audit"}]}]}}
            """
        try Data(existing.utf8).write(to: workspace.settingsFile)
        #expect(try ClaudeSettings(workspace: workspace).install() == .updated)
        let settings = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: workspace.settingsFile))
        #expect(settings["model"] == .string("opus"))
        guard case .array(let start)? = settings["hooks"]?["SessionStart"] else { Issue.record("no hooks"); return }
        #expect(start.count == 2)
        #expect(start[0].jsonText.contains("my-linter") && start[1].jsonText.contains("agnes pull"))
        #expect(settings["hooks"]?["PreToolUse"]?.jsonText.contains("audit") == true)
        #expect(try ClaudeSettings(workspace: workspace).install() == .unchanged)
    }

    @Test func invalidSettingsAreLeftAlone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        try FileManager.default.createDirectory(at: workspace.claudeDirectory, withIntermediateDirectories: true)
        try Data("{oops".utf8).write(to: workspace.settingsFile)
        #expect(try ClaudeSettings(workspace: workspace).install() == .skipped)
        #expect(try String(contentsOf: workspace.settingsFile, encoding: .utf8) == "{oops")
    }

    @Test func sessionsAreFoundUnderEveryEncodingNewestFirstWithLegacyFallback() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.path("my.workspace"))
        let home = directory.path("home")
        let projects = home.appendingPathComponent(".claude/projects")
        let encodings = SessionFinder.encodings(of: workspace.root.path)
        #expect(encodings.first == workspace.root.path.replacingOccurrences(of: "/", with: "-"))
        let slashed = projects.appendingPathComponent(encodings[0])
        let dashed = projects.appendingPathComponent(encodings[1])
        for folder in [slashed, dashed, workspace.sessionsDirectory] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        try Data("old".utf8).write(to: slashed.appendingPathComponent("a.jsonl"))
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -60)],
            ofItemAtPath: slashed.appendingPathComponent("a.jsonl").path)
        try Data("new".utf8).write(to: dashed.appendingPathComponent("a.jsonl"))
        try Data("legacy".utf8).write(to: workspace.sessionsDirectory.appendingPathComponent("b.jsonl"))
        try Data("legacy a".utf8).write(to: workspace.sessionsDirectory.appendingPathComponent("a.jsonl"))
        try Data("x".utf8).write(to: dashed.appendingPathComponent("notes.txt"))
        let sessions = SessionFinder(workspace: workspace, environment: ["HOME": home.path]).sessions()
        #expect(sessions.map(\.name) == ["a.jsonl", "b.jsonl"])
        #expect(try String(contentsOf: sessions[0].url, encoding: .utf8) == "new")
    }

    @Test func rulesArePrunedAndUnsafeIdsSkipped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let rules = MemoryRules(workspace: workspace)
        #expect(try rules.write(MemoryBundle(mandatory: [], approved: [])) == 0)
        #expect(!FileManager.default.fileExists(atPath: workspace.rulesDirectory.path))
        try rules.write(
            MemoryBundle(
                mandatory: [
                    .init(id: "one", title: "One", content: "1"), .init(id: "../evil", title: "x", content: "x"),
                ],
                approved: []))
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.rulesDirectory.path) == ["km_one.md"])
        try rules.write(MemoryBundle(mandatory: [], approved: [.init(id: "a", title: "A", content: "a")]))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: workspace.rulesDirectory.path) == ["km_approved.md"])
    }

    @Test func jwtClaimsAreReadWithoutVerification() {
        let payload = Data(#"{"sub":"u1","email":"ana@example.com","typ":"pat","exp":1000}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
        let claims = TokenClaims(token: "eyJhbGciOiJIUzI1NiJ9.\(payload).sig")
        #expect(claims?.email == "ana@example.com" && claims?.type == "pat" && claims?.isExpired() == true)
        #expect(TokenClaims(token: "not-a-jwt") == nil)
    }
}
