import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
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
/// table with that id comes from another source; 413 over ``maxBytes``.
struct UploadRoutes {
    let services: AgnesServices
    /// Largest accepted file (512 MiB).
    static let maxBytes = 512 * 1024 * 1024
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
        defer { form.removeFiles() }
        guard let part = form.files.first(where: { $0.field == "file" }) else {
            throw APIError.badRequest("Missing file: send the table as the multipart field 'file'")
        }
        let filename = URL(fileURLWithPath: part.filename).lastPathComponent
        let fileExtension = URL(fileURLWithPath: filename).pathExtension.lowercased()
        guard let kind = Self.kinds[fileExtension] else {
            throw APIError.badRequest("Unsupported file type '\(filename)': upload a .csv or .parquet file")
        }
        let table = try Self.tableName(
            form.fields["table_name"] ?? form.fields["name"], filename: URL(fileURLWithPath: filename))
        let registry = DuckDBTableRegistryRepository(store: services.store)
        let existing = try await registry.find(id: table)
        if let existing, existing.sourceType != "local" {
            throw APIError(
                .conflict,
                "Table '\(table)' already exists (source \(existing.sourceType ?? "unknown")); choose another name")
        }
        try await Self.check(part.file, kind: kind)
        let target = directory.appendingPathComponent("\(table).\(fileExtension)")
        try await offloaded("agnes.upload") { try Self.place(part.file, at: target, table: table) }
        let report = try await services.localSync.sync()
        if let failure = report.failures.first(where: { $0.table == table }) {
            throw APIError.badRequest("The \(kind) file cannot be converted: \(failure.message)")
        }
        try await ServerBootstrap.registerLocalTables([table], store: services.store)
        _ = try await services.orchestrator.rebuild()
        let served = try await services.analytics.generation?.servedTables()[table]
        await services.audit(
            "upload_table", userID: caller.user.id, resource: "table:\(table)",
            params: ["file": filename, "bytes": String(part.size), "created": existing == nil ? "true" : "false"])
        let body = Uploaded(
            tableID: table, rows: served?.rows, hash: served?.md5, sizeBytes: served?.sizeBytes,
            file: target.lastPathComponent, created: existing == nil)
        return JSONBody.response(status: existing == nil ? .created : .ok, object: body)
    }

    func readForm(_ request: Request, directory: URL) async throws -> MultipartReader.Form {
        do {
            let reader = try MultipartReader(contentType: request.headers[.contentType], directory: directory)
            return try await reader.read(request.body, maxBytes: Self.maxBytes + 64 * 1024)
        } catch MultipartReader.Failure.notMultipart {
            throw APIError.badRequest("Expected a multipart/form-data body with the field 'file'")
        } catch MultipartReader.Failure.malformed(let message) {
            throw APIError.badRequest("Malformed multipart body: \(message)")
        } catch MultipartReader.Failure.tooLarge {
            throw APIError(.contentTooLarge, "File too large (at most \(Self.maxBytes / 1024 / 1024) MiB)")
        }
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
