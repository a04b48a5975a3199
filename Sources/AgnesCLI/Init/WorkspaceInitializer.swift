import AgnesClient
import Foundation

/// `agnes init` (REFERENCE §2.4): checks the token, saves the server and token, writes CLAUDE.md,
/// the Claude Code hooks, the personal-notes stub and AGNES_WORKSPACE.md, and runs the first pull.
public struct WorkspaceInitializer: Sendable {
    /// What init did.
    public struct Report: Sendable, Encodable {
        /// The workspace directory.
        public var workspace: String
        /// The server.
        public var server: String
        /// The token's email, when the server said.
        public var email: String?
        /// Where CLAUDE.md came from: `server` or `built-in`.
        public var claudeMD: String
        /// What happened to `.claude/settings.json`.
        public var settings: ClaudeSettings.Outcome
        /// True when the notes stub was written now (false: it existed and was kept).
        public var localNotesCreated: Bool
        /// The first pull.
        public var pull: PullReport
        /// Notes for the analyst.
        public var warnings: [String]

        enum CodingKeys: String, CodingKey {
            case workspace, server, email, settings, pull, warnings
            case claudeMD = "claude_md"
            case localNotesCreated = "local_notes_created"
        }
    }

    /// The API client (with the token being installed).
    public let api: AgnesAPI
    /// The workspace.
    public let workspace: Workspace
    /// Where the server and token are saved.
    public let directory: ConfigDirectory
    /// Re-initialise a workspace that already has an Agnes CLAUDE.md.
    public var force = false
    /// Pull options for the first pull.
    public var pullOptions = PullOptions()
    /// Download progress of the first pull.
    public var onEvent: @Sendable (Puller.Event) -> Void = { _ in }

    /// Creates an initializer.
    public init(api: AgnesAPI, workspace: Workspace, directory: ConfigDirectory) {
        self.api = api
        self.workspace = workspace
        self.directory = directory
    }

    /// Runs init. Throws `partial_state` (already initialised), `auth_failed`, `server_unreachable`,
    /// or `manifest_unauthorized` (the first pull could not read the manifest).
    public func run() async throws -> Report {
        if workspace.isInitialized, !force {
            throw ClientError(
                .partialState, "\(workspace.root.path) is already an Agnes workspace (CLAUDE.md exists)",
                hint: "run agnes pull to refresh it, or agnes init --force to initialise it again")
        }
        let token = api.token ?? ""
        let caller: Caller?
        do {
            caller = try await api.verifyToken()
        } catch let error as ClientError where error.code == .unauthorized {
            throw ClientError(
                .unauthorized, "the server at \(api.server) refused the token (\(error.message))",
                hint:
                    "create a personal access token in the web UI (or agnes auth token create) and pass it to --token",
                status: error.status)
        }
        try directory.saveServer(api.server)
        try directory.saveToken(StoredToken(accessToken: token, email: caller?.email ?? ""))
        try AtomicFile.createDirectory(workspace.root)

        var warnings: [String] = []
        let claudeSource: String
        do {
            try AtomicFile.write(try await api.welcome(serverURL: api.server), to: workspace.claudeMD)
            claudeSource = "server"
        } catch let error as ClientError where error.code != .unauthorized {
            try AtomicFile.write(Templates.claudeMD(server: api.server), to: workspace.claudeMD)
            claudeSource = "built-in"
            warnings.append(
                error.code == .notFound
                    ? "the server has no /api/welcome: wrote the built-in CLAUDE.md template"
                    : "could not fetch CLAUDE.md from the server (\(error.message)): wrote the built-in template")
        }
        let settings = try ClaudeSettings(workspace: workspace).install()
        if settings == .skipped {
            warnings.append(
                "\(workspace.settingsFile.path) is not valid JSON: hooks not installed; fix it and run agnes init --force"
            )
        }
        var notesCreated = false
        if !FileManager.default.fileExists(atPath: workspace.localNotes.path) {
            try AtomicFile.createDirectory(workspace.claudeDirectory)
            try AtomicFile.write(Templates.localNotes, to: workspace.localNotes)
            notesCreated = true
        }

        var puller = Puller(api: api, workspace: workspace, options: pullOptions)
        puller.onEvent = onEvent
        let pull: PullReport
        do {
            pull = try await puller.run()
        } catch let error as ClientError {
            throw ClientError(
                ClientError.Code("manifest_unauthorized"),
                "the first pull could not read the manifest: \(error.message)",
                hint: error.hint ?? "agnes diagnose shows what is wrong", status: error.status)
        }
        let created = ISO8601DateFormatter().string(from: Date())
        try AtomicFile.write(
            Templates.workspaceMD(createdAt: created, server: api.server, workspace: workspace.root.path),
            to: workspace.workspaceMD)
        return Report(
            workspace: workspace.root.path, server: api.server, email: caller?.email, claudeMD: claudeSource,
            settings: settings, localNotesCreated: notesCreated, pull: pull, warnings: warnings + pull.warnings)
    }
}
