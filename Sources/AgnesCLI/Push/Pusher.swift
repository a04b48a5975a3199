import AgnesClient
import DuckDB
import Foundation

/// `agnes push` (REFERENCE §2.5): uploads the workspace's session transcripts and
/// `.claude/CLAUDE.local.md`. Transcripts already uploaded unchanged (same size and time, recorded in
/// `<config dir>/push_state.json`) are skipped. Never creates workspace directories.
public struct Pusher: Sendable {
    /// What a push did (or, dry, would do).
    public struct Report: Sendable, Encodable {
        /// Transcripts uploaded (or to upload).
        public var sessions: [String] = []
        /// Transcripts skipped because the server has them unchanged.
        public var unchanged: [String] = []
        /// True when the notes were uploaded (or would be).
        public var localMD = false
        /// Failures.
        public var errors: [PullReport.Issue] = []
        /// True for `--dry-run`.
        public var dryRun = false

        enum CodingKeys: String, CodingKey {
            case sessions, unchanged, errors
            case localMD = "local_md"
        }

        /// REFERENCE's dry-run shape.
        public var dryRunJSON: JSONValue {
            .object([
                "dry_run": .bool(true),
                "would_upload": .object([
                    "sessions": .array(sessions.map(JSONValue.string)), "local_md": .bool(localMD),
                ]),
                "summary": .object([
                    "sessions_count": .int(Int64(sessions.count)), "local_md_present": .bool(localMD),
                ]),
            ])
        }
    }

    /// The API client.
    public let api: AgnesAPI
    /// The workspace.
    public let workspace: Workspace
    /// Finds the transcripts.
    public let finder: SessionFinder
    /// Where the record of uploaded transcripts lives (nil: upload everything every time).
    public let stateFile: URL?

    /// Creates a pusher.
    public init(api: AgnesAPI, workspace: Workspace, finder: SessionFinder, stateFile: URL?) {
        self.api = api
        self.workspace = workspace
        self.finder = finder
        self.stateFile = stateFile
    }

    /// Pushes (or, with `dryRun`, lists what would be pushed).
    public func run(dryRun: Bool) async -> Report {
        var report = Report()
        report.dryRun = dryRun
        var uploaded = Self.loadState(stateFile)
        let key = { (session: SessionFinder.Session) in Self.key(server: api.server, session) }
        for session in finder.sessions() {
            let stamp = Self.stamp(session)
            if uploaded[key(session)] == stamp {
                report.unchanged.append(session.name)
                continue
            }
            if dryRun {
                report.sessions.append(session.name)
                continue
            }
            do {
                let path = session.url.path
                guard let content = try await offloaded("agnes.push", { FileManager.default.contents(atPath: path) })
                else {
                    throw ClientError(.io, "could not read \(path)")
                }
                _ = try await api.uploadSession(filename: session.name, content: content)
                report.sessions.append(session.name)
                uploaded[key(session)] = stamp
            } catch {
                let failure = (error as? ClientError) ?? ClientError(.io, "\(error)")
                report.errors.append(.init(stage: "sessions", table: session.name, failure))
            }
        }
        if let notes = FileManager.default.contents(atPath: workspace.localNotes.path) {
            report.localMD = true
            if !dryRun {
                do {
                    _ = try await api.uploadLocalNotes(String(decoding: notes, as: UTF8.self))
                } catch {
                    report.localMD = false
                    let failure = (error as? ClientError) ?? ClientError(.io, "\(error)")
                    report.errors.append(.init(stage: "local_md", table: nil, failure))
                }
            }
        }
        if !dryRun { saveState(uploaded) }
        return report
    }

    /// The record key of a transcript.
    static func key(server: String, _ session: SessionFinder.Session) -> String { "\(server)|\(session.url.path)" }

    /// What identifies a transcript's content.
    static func stamp(_ session: SessionFinder.Session) -> String { "\(session.size):\(session.modifiedNanoseconds)" }

    /// Transcripts already uploaded.
    static func loadState(_ stateFile: URL?) -> [String: String] {
        guard let stateFile, let data = FileManager.default.contents(atPath: stateFile.path) else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }

    func saveState(_ state: [String: String]) {
        guard let stateFile, FileManager.default.fileExists(atPath: stateFile.deletingLastPathComponent().path) else {
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(state) else { return }
        try? AtomicFile.write(data, to: stateFile, mode: 0o600)
    }
}
