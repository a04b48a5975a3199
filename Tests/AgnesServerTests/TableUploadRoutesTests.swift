import AgnesAuth
import AgnesCore
import AgnesData
import AgnesServer
import AgnesStore
import AgnesTestSupport
import DuckDB
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `POST /api/upload/table`.
@Suite struct TableUploadRoutesTests {
    static let boundary = "agnes-test-boundary"

    /// A multipart body with text fields and then a `file` part (when `file` is given).
    static func multipart(file: (name: String, bytes: [UInt8])?, fields: [String: String] = [:]) -> ByteBuffer {
        var body = MultipartBody()
        body.boundary = boundary
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { body.addField(name, value) }
        if let file { body.addFile(filename: file.name, content: file.bytes) }
        return ByteBuffer(bytes: body.bytes)
    }

    static func upload(
        _ client: some TestClientProtocol, token: String?, body: ByteBuffer,
        contentType: String = "multipart/form-data; boundary=\(boundary)"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.executeRequest(uri: "/api/upload/table", method: .post, headers: headers, body: body)
    }

    static let csv = Array("id,name\n1,alpha\n2,beta\n3,\"gamma, delta\"\n".utf8)

    @Test func aCSVBecomesAScannableTableAndCanBeReplacedByParquet() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        let parquet = try Self.parquet("SELECT range AS id, 'p' || range AS name FROM range(7)")
        try await fixture.application.test(.router) { client in
            let created = try await Self.upload(
                client, token: root.token,
                body: Self.multipart(file: ("Customers.CSV", Self.csv), fields: ["table_name": "customers"]))
            #expect(created.status == .created)
            #expect(created.object["table_id"] as? String == "customers")
            #expect(created.object["rows"] as? Int == 3)
            #expect((created.object["hash"] as? String)?.count == 32)
            #expect(created.object["file"] as? String == "customers.csv")
            #expect(created.object["created"] as? Bool == true)
            let scan = try await client.post("/api/v2/scan", as: root.token, body: ["table_id": "customers"])
            let reader = try ArrowStreamReader(scan.bytes)
            #expect(reader.values(1) == ["alpha", "beta", "gamma, delta"])
            let replaced = try await Self.upload(
                client, token: root.token, body: Self.multipart(file: ("customers.parquet", parquet)))
            #expect(replaced.status == .ok)
            #expect(replaced.object["rows"] as? Int == 7)
            #expect(replaced.object["created"] as? Bool == false)
            #expect(replaced.object["hash"] as? String != created.object["hash"] as? String)
        }
        let local = fixture.root.appendingPathComponent("sources/local")
        let files = try FileManager.default.contentsOfDirectory(atPath: local.path)
        #expect(files.contains("customers.parquet") && !files.contains("customers.csv"))
        #expect(!files.contains { $0.hasPrefix(".") })
        let registered = try await DuckDBTableRegistryRepository(store: fixture.services.store).find(id: "customers")
        #expect(registered?.sourceType == "local")
        #expect(try await fixture.auditLog().contains { $0.action == "upload_table" })
    }

    @Test func refusedUploadsChangeNothing() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        let analyst = try await fixture.analyst("ana@example.com", tables: ["orders"])
        _ = try await DuckDBTableRegistryRepository(store: fixture.services.store).register(
            TableRegistration(id: "remote_sales", name: "remote_sales", sourceType: "bigquery", queryMode: .remote))
        let local = fixture.root.appendingPathComponent("sources/local")
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: local.path))
        try await fixture.application.test(.router) { client in
            // Each detail in full, or (ending in ": ") its beginning, where DuckDB or the parser adds its reason.
            let cases: [(String?, ByteBuffer, String, HTTPResponse.Status, String)] = [
                (
                    analyst, Self.multipart(file: ("x.csv", Self.csv)),
                    "multipart/form-data; boundary=\(Self.boundary)",
                    .forbidden, "Admin access required"
                ),
                (
                    nil, Self.multipart(file: ("x.csv", Self.csv)), "multipart/form-data; boundary=\(Self.boundary)",
                    .unauthorized, "Missing or invalid Authorization header"
                ),
                (
                    root.token, ByteBuffer(string: "{}"), "application/json", .unprocessableContent,
                    "field required: file"
                ),
                (
                    root.token, Self.multipart(file: nil, fields: ["table_name": "x"]),
                    "multipart/form-data; boundary=\(Self.boundary)", .unprocessableContent,
                    "field required: file"
                ),
                (
                    root.token, Self.multipart(file: ("notes.txt", Self.csv)),
                    "multipart/form-data; boundary=\(Self.boundary)",
                    .badRequest, "Unsupported file type 'notes.txt': upload a .csv or .parquet file"
                ),
                (
                    root.token, Self.multipart(file: ("x.csv", Self.csv), fields: ["table_name": "Bad Name"]),
                    "multipart/form-data; boundary=\(Self.boundary)", .badRequest,
                    "Invalid table name 'Bad Name': use lowercase letters, digits and single underscores, starting with a letter (e.g. 'bad_name')"
                ),
                (
                    root.token, Self.multipart(file: ("x.csv", Self.csv), fields: ["table_name": "../etc"]),
                    "multipart/form-data; boundary=\(Self.boundary)", .badRequest,
                    "Invalid table name '../etc': use lowercase letters, digits and single underscores, starting with a letter (e.g. 'etc')"
                ),
                (
                    root.token, Self.multipart(file: ("fake.parquet", Self.csv)),
                    "multipart/form-data; boundary=\(Self.boundary)",
                    .badRequest, "The file cannot be read as Parquet: "
                ),
                (
                    root.token, Self.multipart(file: ("remote_sales.csv", Self.csv)),
                    "multipart/form-data; boundary=\(Self.boundary)", .conflict,
                    "Table 'remote_sales' already exists (source bigquery); choose another name"
                ),
                (
                    root.token,
                    ByteBuffer(string: "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\""),
                    "multipart/form-data; boundary=\(Self.boundary)", .badRequest, "Invalid multipart body: "
                ),
            ]
            for (token, body, contentType, status, detail) in cases {
                let response = try await Self.upload(client, token: token, body: body, contentType: contentType)
                #expect(response.status == status, "\(contentType) \(detail)")
                let answered = response.object["detail"] as? String ?? ""
                if detail.hasSuffix(": ") {
                    #expect(answered.hasPrefix(detail) && answered.count > detail.count, "\(answered)")
                    #expect(!answered.contains(".table-upload-"), "the temporary file's path stays private")
                } else {
                    #expect(answered == detail)
                }
            }
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: local.path)) == before)
    }

    /// A one-column CSV of exactly `bytes` bytes (at least 4).
    static func csv(bytes: Int) -> [UInt8] {
        let text = "id\n" + String(repeating: "7\n", count: (bytes - 3) / 2) + ((bytes - 3) % 2 == 1 ? "7" : "")
        return Array(text.utf8)
    }

    @Test func aFileOverTheConfiguredLimitIs413AndLeavesNothing() async throws {
        let fixture = try await ServerFixture.withTables(upload: UploadLimits(maxTableBytes: 64))
        let root = try await fixture.admin()
        let local = fixture.root.appendingPathComponent("sources/local")
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: local.path))
        #expect(Self.csv(bytes: 64).count == 64 && Self.csv(bytes: 65).count == 65)
        try await fixture.application.test(.router) { client in
            let over = try await Self.upload(
                client, token: root.token, body: Self.multipart(file: ("over.csv", Self.csv(bytes: 65))))
            #expect(over.status == .contentTooLarge)
            #expect(over.object["detail"] as? String == "File too large (at most 64 bytes)")
            let fits = try await Self.upload(
                client, token: root.token, body: Self.multipart(file: ("fits.csv", Self.csv(bytes: 64))))
            #expect(fits.status == .created, "\(fits.object)")
            #expect(fits.object["rows"] as? Int == 31)
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: local.path)) == before.union(["fits.csv"]))
    }

    @Test func aFileThatReadsButCannotBeConvertedIs400() async throws {
        let fixture = try await ServerFixture.withTables()
        let root = try await fixture.admin()
        // The first rows make DuckDB sniff BIGINT and the last is no number: counting the rows (the
        // upload check) passes, converting them to parquet (the local source) does not.
        let late = Array(("id\n" + (0..<30000).map(String.init).joined(separator: "\n") + "\noops\n").utf8)
        let local = fixture.root.appendingPathComponent("sources/local")
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: local.path))
        try await fixture.application.test(.router) { client in
            let response = try await Self.upload(
                client, token: root.token, body: Self.multipart(file: ("late.csv", late)))
            #expect(response.status == .badRequest)
            let detail = try #require(response.object["detail"] as? String)
            #expect(detail.hasPrefix("The CSV file cannot be converted: Conversion Error"), "\(detail)")
            #expect(detail.contains("oops"))
        }
        #expect(try await DuckDBTableRegistryRepository(store: fixture.services.store).find(id: "late") == nil)
        #expect(try await fixture.services.analytics.generation?.servedTables()["late"] == nil)
        // Nothing is left that would fail the next sync.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: local.path)) == before)
    }

    static func parquet(_ sql: String) throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).parquet")
        defer { try? FileManager.default.removeItem(at: file) }
        let connection = try Database().connect()
        try connection.execute("COPY (\(sql)) TO '\(file.path)' (FORMAT parquet)")
        return Array(try Data(contentsOf: file))
    }
}
