import AgnesAuth
import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Hummingbird
import NIOCore

/// Uploads from analysts' machines (REFERENCE §1.13), each stored under `DATA_DIR` for the caller:
///
/// - `POST /api/upload/sessions` (multipart `file`): a Claude Code session transcript, to
///   `user_sessions/<user id>/<name>`;
/// - `POST /api/upload/artifacts` (multipart `file`): a report or chart, to
///   `user_artifacts/<user id>/<name>`;
/// - `POST /api/upload/local-md` (`{content}`): the caller's `CLAUDE.local.md`, to
///   `user_local_md/<first 24 hex of sha256(email)>.md`.
///
/// A file's stored name is ``UploadFilename/safe(_:)`` of the name sent: its last path component, or
/// `upload_<8 hex>` when that is empty or starts with a dot, so a name can never leave the user's
/// directory. The file streams to a temporary file beside its destination and is renamed into place
/// once complete (replacing an earlier upload of the same name); past ``maximumFileBytes`` the upload
/// stops with 413 `File too large (max 50MB)` and nothing is left behind. Each upload is audited with its
/// size, never its content.
struct UploadRoutes {
    let services: AgnesServices
    /// The largest file accepted (50 MB unless a test says otherwise).
    var maximumFileBytes = 50 * 1024 * 1024

    struct LocalMarkdown: Decodable {
        let content: String
    }

    struct FileReply: Encodable {
        var status = "ok"
        let filename: String
        let size: Int
    }

    struct LocalMarkdownReply: Encodable {
        var status = "ok"
        let user: String
        let size: Int
    }

    /// What was stored.
    struct StoredFile {
        let filename: String
        let originalName: String?
        let size: Int
    }

    /// 413 with the original's detail.
    var fileTooLarge: APIError {
        APIError(.contentTooLarge, "File too large (max \(maximumFileBytes / 1024 / 1024)MB)")
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.post("/api/upload/sessions") { request, context in
            let caller = try await services.caller(request, context)
            let stored = try await receiveFile(request, area: "user_sessions", for: caller)
            await audit("upload.session", caller, stored)
            return JSONBody.response(object: FileReply(filename: stored.filename, size: stored.size))
        }
        router.post("/api/upload/artifacts") { request, context in
            let caller = try await services.caller(request, context)
            let stored = try await receiveFile(request, area: "user_artifacts", for: caller)
            await audit("upload.artifact", caller, stored)
            return JSONBody.response(object: FileReply(filename: stored.filename, size: stored.size))
        }
        router.post("/api/upload/local-md") { request, context in
            let caller = try await services.caller(request, context)
            let body = try await request.decodeJSON(LocalMarkdown.self, context: context)
            let email = caller.user.email
            let name = String(Authenticator.sha256Hex(email).prefix(24)) + ".md"
            let target = services.layout.root.appendingPathComponent("user_local_md").appendingPathComponent(name)
            let data = Data(body.content.utf8)
            try await offloaded("agnes.upload") {
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: target, options: .atomic)
            }
            // The original reports the length in characters (code points), not bytes.
            let size = body.content.unicodeScalars.count
            await services.auth.authenticator.record(
                "upload.local_md", userID: caller.user.id, resource: "upload:\(name)",
                params: ["size_bytes": String(data.count)])
            return JSONBody.response(object: LocalMarkdownReply(user: email, size: size))
        }
    }

    /// Streams the form's `file` part to `DATA_DIR/<area>/<user id>/<safe name>`.
    func receiveFile(_ request: Request, area: String, for caller: AuthenticatedUser) async throws -> StoredFile {
        let directory = try userDirectory(area, userID: caller.user.id)
        var form = try MultipartFormReader(
            request, field: "file", maximumBodyBytes: maximumFileBytes + MultipartFormReader.overheadBytes,
            tooLarge: fileTooLarge)
        while let part = try await form.nextPart() {
            guard part.name == "file" else { continue }
            let filename = UploadFilename.safe(part.filename)
            let size = try await form.writePart(
                to: directory.appendingPathComponent(filename), limit: maximumFileBytes, tooLarge: fileTooLarge)
            return StoredFile(filename: filename, originalName: part.filename, size: size)
        }
        throw MultipartFormReader.missingField("file")
    }

    /// `DATA_DIR/<area>/<user id>`; user ids are generated, but one that is not a plain path component
    /// is refused rather than trusted.
    private func userDirectory(_ area: String, userID: String) throws -> URL {
        guard !userID.isEmpty, userID != ".", userID != "..", !userID.contains("/"), !userID.contains("\0")
        else {
            throw APIError(.internalServerError, "Internal server error")
        }
        return services.layout.root.appendingPathComponent(area).appendingPathComponent(userID)
    }

    private func audit(_ action: String, _ caller: AuthenticatedUser, _ stored: StoredFile) async {
        var params = ["size_bytes": String(stored.size)]
        if let originalName = stored.originalName { params["original_name"] = String(originalName.prefix(256)) }
        await services.auth.authenticator.record(
            action, userID: caller.user.id, resource: "upload:\(stored.filename)", params: params)
    }
}
