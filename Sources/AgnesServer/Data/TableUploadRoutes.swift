import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesJobs
import AgnesStore
import DuckDB
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /api/upload/table` (admin): a CSV or Parquet file becomes a table of the local source.
///
/// Multipart form: `file` (a `.csv` or `.parquet` file) and `table_name` (optional; the file's name
/// otherwise), which must already be in the form the local source derives from file names
/// (lowercase letters, digits, single underscores; REFERENCE §7's strict identifier). The body is
/// streamed to a hidden temporary file in `DATA_DIR/sources/local/`, checked by DuckDB (it must read
/// as what its extension says), then renamed into place atomically as `<table_name>.<ext>` (0644),
/// replacing the table's previous file whatever its extension. The local source then syncs, a new
/// table is registered, and the analytics database is rebuilt.
///
/// Answers 201 (new table) or 200 (replaced) with `{table_id, rows, hash, size_bytes, file,
/// created}`: `hash` is the published parquet's MD5, the manifest's `hash`. Errors: 403 non-admin;
/// 400 not multipart, no `file`, unsupported extension, bad table name, unreadable content; 409 a
/// table with that id comes from another source; 413 over `api.upload.max_table_bytes` (512 MiB).
struct TableUploadRoutes {
    let services: AgnesServices
    static let kinds = ["csv": "CSV", "parquet": "Parquet"]

    struct Uploaded: Encodable {
        let tableID: String
        let rows: Int64?
        let hash: String?
        let sizeBytes: Int64?
        let file: String
        let created: Bool

        enum CodingKeys: String, CodingKey {
            case rows, hash, file, created
            case tableID = "table_id"
            case sizeBytes = "size_bytes"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.post("/api/upload/table") { request, context in
            try await uploadTable(request, context)
        }
    }

    func uploadTable(_ request: Request, _ context: AgnesRequestContext) async throws -> Response {
        let caller = try await services.admin(request, context)
        let directory = services.layout.localSourceDirectory
        let form = try await readForm(request, directory: directory)
        defer { form.removeFile() }
        guard let upload = form.file else { throw MultipartFormReader.missingField("file") }
        let filename = URL(fileURLWithPath: upload.filename).lastPathComponent
        let fileExtension = URL(fileURLWithPath: filename).pathExtension.lowercased()
        guard let kind = Self.kinds[fileExtension] else {
            throw APIError.badRequest("Unsupported file type '\(filename)': upload a .csv or .parquet file")
        }
        let table = try Self.tableName(form.tableName, filename: URL(fileURLWithPath: filename))
        let registry = DuckDBTableRegistryRepository(store: services.store)
        let existing = try await registry.find(id: table)
        if let existing, existing.sourceType != "local" {
            throw APIError(
                .conflict,
                "Table '\(table)' already exists (source \(existing.sourceType ?? "unknown")); choose another name")
        }
        try await Self.check(upload.url, kind: kind)
        let target = directory.appendingPathComponent("\(table).\(fileExtension)")
        try await offloaded("agnes.upload") { try Self.place(upload.url, at: target, table: table) }
        if existing == nil {
            try await ServerBootstrap.registerLocalTables([table], store: services.store)
        }
        let registered = try await registry.list(sourceType: LocalFilesSource.sourceName.rawValue)
        let report = try await services.localFiles.syncReport(registered: registered, due: [table])
        if let failure = report.failures.first(where: { $0.table == table }) {
            // A new table's file goes again, or every later sync would fail on it; a replaced table keeps
            // serving its last good version (the local source does that) until a good file comes.
            if existing == nil {
                try? FileManager.default.removeItem(at: target)
                try await registry.unregister(id: table)
            }
            throw APIError.badRequest("The \(kind) file cannot be converted: \(failure.message)")
        }
        _ = try await services.orchestrator.rebuild()
        let served = try await services.analytics.generation?.servedTables()[table]
        await services.audit(
            "upload_table", userID: caller.user.id, resource: "table:\(table)",
            params: ["file": filename, "bytes": String(upload.size), "created": existing == nil ? "true" : "false"])
        let body = Uploaded(
            tableID: table, rows: served?.rows, hash: served?.md5, sizeBytes: served?.sizeBytes,
            file: target.lastPathComponent, created: existing == nil)
        return JSONBody.response(status: existing == nil ? .created : .ok, object: body)
    }

    /// What the form carried: the `file` part, stored in a hidden file of the local source directory
    /// (which the local source never reads), and the `table_name` (or `name`) field.
    struct Form {
        struct Upload {
            let url: URL
            let filename: String
            let size: Int
        }

        var file: Upload?
        var tableName: String?

        /// Removes the stored part if it was not moved into place; never throws.
        func removeFile() {
            if let file { try? FileManager.default.removeItem(at: file.url) }
        }
    }

    /// Largest accepted file.
    var maxBytes: Int { services.settings.upload.maxTableBytes }

    var tooLarge: APIError {
        let limit = maxBytes % (1024 * 1024) == 0 ? "\(maxBytes / 1024 / 1024) MiB" : "\(maxBytes) bytes"
        return APIError(.contentTooLarge, "File too large (at most \(limit))")
    }

    /// Streams the form: the first `file` part to disk, short text fields into memory, anything else skipped.
    func readForm(_ request: Request, directory: URL) async throws -> Form {
        var reader = try MultipartFormReader(
            request, field: "file", maximumBodyBytes: maxBytes + MultipartFormReader.overheadBytes,
            tooLarge: tooLarge)
        var form = Form()
        do {
            while let part = try await reader.nextPart() {
                if part.name == "file", form.file == nil {
                    let url = directory.appendingPathComponent(".table-upload-\(UUID().uuidString)")
                    let size = try await reader.writePart(to: url, limit: maxBytes, tooLarge: tooLarge)
                    form.file = Form.Upload(url: url, filename: part.filename ?? "", size: size)
                } else if part.name == "table_name" || (part.name == "name" && form.tableName == nil) {
                    let value = try await reader.collectPart(upTo: 1024)
                    form.tableName = String(buffer: value)
                }
            }
        } catch {
            form.removeFile()
            throw error
        }
        return form
    }

    /// The table id: the given name, or one derived from the file name; it must be what the local
    /// source derives from the file it is stored as, so the table keeps exactly this id.
    static func tableName(_ given: String?, filename: URL) throws -> String {
        let trimmed = given?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let name = trimmed.isEmpty ? filename.deletingPathExtension().lastPathComponent : trimmed
        guard Identifier.isValid(name), Identifier.derived(from: name)?.rawValue == name else {
            let hint = Identifier.derived(from: name).map { " (e.g. '\($0)')" } ?? ""
            throw APIError.badRequest(
                "Invalid table name '\(name)': use lowercase letters, digits and single underscores, starting with a letter\(hint)"
            )
        }
        return name
    }

    /// Reads the file with DuckDB as what its extension says; 400 with DuckDB's reason otherwise.
    static func check(_ file: URL, kind: String) async throws {
        do {
            try await offloaded("agnes.upload.check") {
                let connection = try Database(options: ["threads": "1", "memory_limit": "256MB"]).connect()
                let reader = kind == "CSV" ? "read_csv(?, auto_detect = true)" : "read_parquet(?)"
                _ = try connection.query("SELECT count(*) FROM \(reader)", [.varchar(file.path)])
            }
        } catch {
            let message = (error as? DuckDBError)?.message ?? "\(error)"
            let shown = message.replacingOccurrences(of: file.path, with: "the upload")
            throw APIError.badRequest("The file cannot be read as \(kind): \(shown)")
        }
    }

    /// Moves the upload into place (0644, atomic rename in the same directory) and removes other
    /// files the local source would read as the same table. Blocking.
    static func place(_ upload: URL, at target: URL, table: String) throws {
        let manager = FileManager.default
        try manager.setAttributes([.posixPermissions: 0o644], ofItemAtPath: upload.path)
        guard rename(upload.path, target.path) == 0 else {
            throw APIError(.internalServerError, "The upload cannot be stored")
        }
        let directory = target.deletingLastPathComponent()
        for name in (try? manager.contentsOfDirectory(atPath: directory.path)) ?? [] where !name.hasPrefix(".") {
            let file = directory.appendingPathComponent(name)
            guard name != target.lastPathComponent,
                ["csv", "tsv", "json", "ndjson", "jsonl", "parquet"].contains(file.pathExtension.lowercased()),
                Identifier.derived(from: file.deletingPathExtension().lastPathComponent)?.rawValue == table
            else { continue }
            try? manager.removeItem(at: file)
        }
    }
}
