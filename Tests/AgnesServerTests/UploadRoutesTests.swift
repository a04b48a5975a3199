import AgnesAuth
import AgnesCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AgnesServer

/// `/api/upload/sessions`, `/api/upload/artifacts` and `/api/upload/local-md`.
@Suite struct UploadRoutesTests {
    /// Every file under `directory`, as paths relative to it (hidden files included).
    static func files(under directory: URL) -> Set<String> {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return Set(
            enumerator.compactMap { $0 as? String }.filter { path in
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(
                    atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory)
                return exists && !isDirectory.boolValue
            })
    }

    /// The upload routes alone, with a small file limit.
    static func application(_ fixture: ServerFixture, limit: Int) -> some ApplicationProtocol {
        let router = Router(context: AgnesRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        UploadRoutes(services: fixture.services, maximumFileBytes: limit).register(on: router)
        return Application(router: router)
    }

    @Test(arguments: [("/api/upload/sessions", "user_sessions"), ("/api/upload/artifacts", "user_artifacts")])
    func filesLandInTheCallersDirectory(path: String, area: String) async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let content = Array("{\"type\":\"user\"}\n".utf8) + [0, 13, 10, 255]
        try await fixture.application.test(.router) { client in
            var form = MultipartBody()
            form.addField("note", "before the file")
            form.addFile(filename: "2026-01-01.jsonl", content: content)
            let reply = try await client.upload(path, as: ana.token, form)
            #expect(reply.status == .ok)
            #expect(reply.object["status"] as? String == "ok")
            #expect(reply.object["filename"] as? String == "2026-01-01.jsonl")
            #expect(reply.object["size"] as? Int == content.count)
        }
        let directory = fixture.root.appendingPathComponent(area).appendingPathComponent(ana.id)
        #expect(Self.files(under: fixture.root.appendingPathComponent(area)) == ["\(ana.id)/2026-01-01.jsonl"])
        #expect(try Array(Data(contentsOf: directory.appendingPathComponent("2026-01-01.jsonl"))) == content)
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == [area == "user_sessions" ? "upload.session" : "upload.artifact"])
        #expect(audit.first?.resource == "upload:2026-01-01.jsonl")
        #expect(audit.first?.params == ["size_bytes": String(content.count), "original_name": "2026-01-01.jsonl"])
    }

    @Test(
        arguments: [
            ("../../../etc/passwd", "passwd"), (#"..\..\boot.ini"#, "boot.ini"), ("/tmp/x.html", "x.html"),
            ("..", nil), (".bashrc", nil), ("", nil), ("a/..", nil),
        ] as [(String, String?)])
    func namesCannotLeaveTheUsersDirectory(sent: String, stored: String?) async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let reply = try await client.upload(
                "/api/upload/artifacts", as: ana.token, .file(filename: sent, content: Array("x".utf8)))
            #expect(reply.status == .ok)
            let name = try #require(reply.object["filename"] as? String)
            if let stored { #expect(name == stored) } else { #expect(name.hasPrefix("upload_") && name.count == 15) }
        }
        let everything = Self.files(under: fixture.root)
        let uploads = everything.filter { $0.hasPrefix("user_") }
        #expect(uploads.count == 1)
        #expect(uploads.allSatisfy { $0.hasPrefix("user_artifacts/\(ana.id)/") && !$0.contains("..") })
    }

    @Test func aMissingFilenameIsGenerated() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let reply = try await client.upload(
                "/api/upload/sessions", as: ana.token, .file(filename: nil, content: Array("x".utf8)))
            #expect((reply.object["filename"] as? String)?.hasPrefix("upload_") == true)
        }
    }

    @Test func aNewUploadReplacesTheOldOne() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            for text in ["first version, longer", "second"] {
                let reply = try await client.upload(
                    "/api/upload/artifacts", as: ana.token, .file(filename: "r.html", content: Array(text.utf8)))
                #expect(reply.status == .ok)
            }
        }
        let file = fixture.root.appendingPathComponent("user_artifacts/\(ana.id)/r.html")
        #expect(try String(contentsOf: file, encoding: .utf8) == "second")
        #expect(Self.files(under: fixture.root.appendingPathComponent("user_artifacts")) == ["\(ana.id)/r.html"])
    }

    @Test func theLimitIsEnforcedWhileStreamingAndLeavesNothing() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let limit = 3 * 1024 * 1024 + 17
        try await Self.application(fixture, limit: limit).test(.router) { client in
            let exact = try await client.upload(
                "/api/upload/sessions", as: ana.token,
                .file(filename: "exact.jsonl", content: [UInt8](repeating: 65, count: limit)))
            #expect(exact.status == .ok)
            #expect(exact.object["size"] as? Int == limit)
            let over = try await client.upload(
                "/api/upload/sessions", as: ana.token,
                .file(filename: "over.jsonl", content: [UInt8](repeating: 66, count: limit + 1)))
            #expect(over.status == .contentTooLarge)
        }
        #expect(Self.files(under: fixture.root.appendingPathComponent("user_sessions")) == ["\(ana.id)/exact.jsonl"])
    }

    @Test func uploadsStreamOverARealSocket() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let content = (0..<(5 * 1024 * 1024 + 3)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        try await fixture.application.test(.live) { client in
            let reply = try await client.upload(
                "/api/upload/sessions", as: ana.token, .file(filename: "live.jsonl", content: content))
            #expect(reply.status == .ok)
            #expect(reply.object["size"] as? Int == content.count)
        }
        try await Self.application(fixture, limit: 1024 * 1024).test(.live) { client in
            let over = try await client.upload(
                "/api/upload/sessions", as: ana.token, .file(filename: "over.jsonl", content: content))
            #expect(over.status == .contentTooLarge)
        }
        let directory = fixture.root.appendingPathComponent("user_sessions")
        #expect(Self.files(under: directory) == ["\(ana.id)/live.jsonl"])
        #expect(try Array(Data(contentsOf: directory.appendingPathComponent("\(ana.id)/live.jsonl"))) == content)
    }

    @Test func theDefaultLimitIs50MB() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let reply = try await client.upload(
                "/api/upload/artifacts", as: ana.token,
                .file(filename: "big.bin", content: [UInt8](repeating: 0, count: 50 * 1024 * 1024 + 1)))
            #expect(reply.status == .contentTooLarge)
            #expect(reply.detail == "File too large (max 50MB)")
        }
        #expect(Self.files(under: fixture.root.appendingPathComponent("user_artifacts")).isEmpty)
        #expect(try await fixture.auditLog().isEmpty)
    }

    @Test func aTruncatedBodyIs400AndLeavesNothing() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let form = MultipartBody.file(filename: "cut.jsonl", content: [UInt8](repeating: 65, count: 10_000))
        try await fixture.application.test(.router) { client in
            let reply = try await client.send(
                .post, "/api/upload/sessions", as: ana.token, contentType: form.contentType,
                bytes: Array(form.bytes.prefix(5_000)))
            #expect(reply.status == .badRequest)
            #expect(reply.detail == "Invalid multipart body: the body ended before the closing boundary")
        }
        #expect(Self.files(under: fixture.root.appendingPathComponent("user_sessions")).isEmpty)
    }

    @Test(arguments: ["/api/upload/sessions", "/api/upload/artifacts"])
    func requestsWithoutAFileAreRefused(path: String) async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            var form = MultipartBody()
            form.addField("files", "not the field")
            let wrongField = try await client.upload(path, as: ana.token, form)
            #expect(wrongField.status == .unprocessableContent)
            #expect(wrongField.detail == "field required: file")
            let json = try await client.call(.post, path, as: ana.token, body: ["file": "x"])
            #expect(json.status == .unprocessableContent)
            let anonymous = try await client.upload(path, as: nil, .file(content: Array("x".utf8)))
            #expect(anonymous.status == .unauthorized)
        }
        #expect(Self.files(under: fixture.root).allSatisfy { !$0.hasPrefix("user_") })
    }

    @Test func localMarkdownIsStoredUnderTheEmailHash() async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        let content = "# Notes\nRevenue means net revenue — žluťoučký.\n"
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(.post, "/api/upload/local-md", as: ana.token, body: ["content": content])
            #expect(reply.status == .ok)
            #expect(reply.object["status"] as? String == "ok")
            #expect(reply.object["user"] as? String == "ana@example.com")
            #expect(reply.object["size"] as? Int == content.unicodeScalars.count)
            let missing = try await client.call(.post, "/api/upload/local-md", as: ana.token, body: [:])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.detail == "field required: content")
            let anonymous = try await client.call(.post, "/api/upload/local-md", as: nil, body: ["content": "x"])
            #expect(anonymous.status == .unauthorized)
        }
        let name = String(Authenticator.sha256Hex("ana@example.com").prefix(24)) + ".md"
        #expect(Self.files(under: fixture.root.appendingPathComponent("user_local_md")) == [name])
        let stored = try String(
            contentsOf: fixture.root.appendingPathComponent("user_local_md/\(name)"), encoding: .utf8)
        #expect(stored == content)
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == ["upload.local_md"])
        #expect(audit.first?.resource == "upload:\(name)")
        #expect(audit.first?.params == ["size_bytes": String(content.utf8.count)])
    }
}
