import AgnesCore
import AgnesData
import AgnesServer
import AgnesStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `GET /api/sync/manifest` and `GET /api/data/{id}/download`.
@Suite struct DataRoutesTests {
    static let files = [
        "orders.csv": "order_id,amount\n" + (1...500).map { "\($0),\(Double($0) * 1.25)" }.joined(separator: "\n"),
        "customers.csv": "customer_id,name\n1,Ada\n2,Grace\n",
        "payroll.csv": "person,salary\nceo,1000000\n",
    ]

    static func md5(_ bytes: [UInt8]) -> String {
        Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    @Test func theManifestListsExactlyTheReadableTablesWithTheirContentHashes() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.publishLocal(Self.files)
        let root = try await fixture.admin()
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders", "customers", "not_a_table"])
        let nobody = try await fixture.analyst("bob@example.com", tables: [])
        try await fixture.application.test(.router) { client in
            let all = try await client.call(.get, "/api/sync/manifest", as: root.token)
            #expect(all.status == .ok)
            let tables = try #require(all.object["tables"] as? [String: [String: Any]])
            #expect(Set(tables.keys) == ["orders", "customers", "payroll"])
            let orders = try #require(tables["orders"])
            #expect(Set(orders.keys) == ["hash", "updated", "size_bytes", "rows", "query_mode", "source_type"])
            #expect(orders["rows"] as? Int == 500)
            #expect(orders["query_mode"] as? String == "local")
            #expect(orders["source_type"] as? String == "local")
            #expect((orders["updated"] as? String)?.hasSuffix("Z") == true)
            #expect(all.object["assets"] as? [String: Any] != nil)
            #expect(all.object["server_time"] as? String != nil)
            // The hash and size are those of the bytes a download returns.
            let download = try await client.raw(.get, "/api/data/orders/download", as: root.token)
            #expect(orders["hash"] as? String == Self.md5(download.bytes))
            #expect(orders["size_bytes"] as? Int == download.bytes.count)

            let mine = try await client.call(.get, "/api/sync/manifest", as: ana)
            let visible = try #require(mine.object["tables"] as? [String: Any])
            #expect(Set(visible.keys) == ["orders", "customers"])
            let none = try await client.call(.get, "/api/sync/manifest", as: nobody)
            #expect((none.object["tables"] as? [String: Any])?.isEmpty == true)
            let anonymous = try await client.call(.get, "/api/sync/manifest", as: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.detail == "Missing or invalid Authorization header")
        }
    }

    @Test func theManifestNamesDocsAndProfilesAssetsWhenTheyExist() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.publishLocal(Self.files)
        let root = try await fixture.admin()
        let docs = fixture.root.appendingPathComponent("docs/metrics")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try "# Revenue\n".write(to: docs.appendingPathComponent("revenue.md"), atomically: true, encoding: .utf8)
        let modified = try #require(
            try docs.appendingPathComponent("revenue.md").resourceValues(forKeys: [.contentModificationDateKey])
                .contentModificationDate)
        let metadata = fixture.root.appendingPathComponent("src_data/metadata")
        try FileManager.default.createDirectory(at: metadata, withIntermediateDirectories: true)
        let profiles = Array(#"{"tables":{}}"#.utf8)
        try Data(profiles).write(to: metadata.appendingPathComponent("profiles.json"))
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(.get, "/api/sync/manifest", as: root.token)
            let assets = try #require(reply.object["assets"] as? [String: [String: String]])
            #expect(assets["docs"]?["hash"] == String(Int(modified.timeIntervalSince1970)))
            #expect(assets["profiles"]?["hash"] == Self.md5(profiles))
        }
    }

    @Test func downloadsHonourETagsAndRanges() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.publishLocal(Self.files)
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders"])
        try await fixture.application.test(.router) { client in
            let full = try await client.raw(.get, "/api/data/orders/download", as: ana)
            #expect(full.status == .ok)
            let hash = Self.md5(full.bytes)
            #expect(full.headers[.eTag] == "\"\(hash)\"")
            #expect(full.headers[.contentLength] == String(full.bytes.count))
            #expect(full.headers[.contentType] == "application/octet-stream")
            #expect(full.headers[.acceptRanges] == "bytes")
            #expect(full.headers[.contentDisposition] == "attachment; filename=\"orders.parquet\"")
            #expect(full.bytes.starts(with: Array("PAR1".utf8)))

            let cached = try await client.raw(
                .get, "/api/data/orders/download", as: ana, headers: [.ifNoneMatch: "\"\(hash)\""])
            #expect(cached.status == .notModified)
            #expect(cached.bytes.isEmpty)
            let bare = try await client.raw(.get, "/api/data/orders/download", as: ana, headers: [.ifNoneMatch: hash])
            #expect(bare.status == .notModified)
            let stale = try await client.raw(
                .get, "/api/data/orders/download", as: ana, headers: [.ifNoneMatch: "\"0000\""])
            #expect(stale.status == .ok)

            let size = full.bytes.count
            let tail = try await client.raw(.get, "/api/data/orders/download", as: ana, headers: [.range: "bytes=100-"])
            #expect(tail.status == .partialContent)
            #expect(tail.bytes == Array(full.bytes[100...]))
            #expect(tail.headers[.contentRange] == "bytes 100-\(size - 1)/\(size)")
            #expect(tail.headers[.contentLength] == String(size - 100))
            let middle = try await client.raw(
                .get, "/api/data/orders/download", as: ana, headers: [.range: "bytes=10-19"])
            #expect(middle.bytes == Array(full.bytes[10...19]))
            let suffix = try await client.raw(.get, "/api/data/orders/download", as: ana, headers: [.range: "bytes=-8"])
            #expect(suffix.bytes == Array(full.bytes[(size - 8)...]))
            let beyond = try await client.raw(
                .get, "/api/data/orders/download", as: ana, headers: [.range: "bytes=\(size)-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers[.contentRange] == "bytes */\(size)")
            let several = try await client.raw(
                .get, "/api/data/orders/download", as: ana, headers: [.range: "bytes=0-1,5-6"])
            #expect(several.status == .ok)
            #expect(several.bytes == full.bytes)
            let garbage = try await client.raw(
                .get, "/api/data/orders/download", as: ana, headers: [.range: "lines=1-2"])
            #expect(garbage.status == .ok)
            // A resumed download of another version gets this version whole.
            let otherVersion = try await client.raw(
                .get, "/api/data/orders/download", as: ana, headers: [.range: "bytes=100-", .ifRange: "\"0000\""])
            #expect(otherVersion.status == .ok)
            #expect(otherVersion.bytes == full.bytes)
            let sameVersion = try await client.raw(
                .get, "/api/data/orders/download", as: ana, headers: [.range: "bytes=100-", .ifRange: "\"\(hash)\""])
            #expect(sameVersion.status == .partialContent)

            let head = try await client.raw(.head, "/api/data/orders/download", as: ana)
            #expect(head.status == .ok)
            #expect(head.headers[.eTag] == "\"\(hash)\"")
            #expect(head.headers[.contentLength] == String(size))
            #expect(head.bytes.isEmpty)
        }
    }

    @Test func downloadsAreRefusedWithoutAGrantAndForUnknownTables() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.publishLocal(Self.files)
        let root = try await fixture.admin()
        _ = try await DuckDBTableRegistryRepository(store: fixture.services.store).register(
            TableRegistration(
                id: "bq_events", name: "bq_events", sourceType: "bigquery", bucket: "analytics", sourceTable: "events",
                queryMode: .remote))
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders", "ghost", "bq_events"])
        try await fixture.application.test(.router) { client in
            for path in ["/api/data/payroll/download", "/api/data/nosuch/download"] {
                let refused = try await client.raw(.get, path, as: ana)
                #expect(refused.status == .forbidden, "\(path)")
                let detail = ServerFixture.detail(refused.body)
                #expect(detail == "Access denied to this table")
                #expect(!String(decoding: refused.bytes, as: UTF8.self).contains("ceo"))
            }
            let remote = try await client.raw(.get, "/api/data/bq_events/download", as: ana)
            #expect(remote.status == .notFound)
            #expect(
                ServerFixture.detail(remote.body)
                    == "Table 'bq_events' has no local data to download (query mode remote)")
            let ghost = try await client.raw(.get, "/api/data/ghost/download", as: ana)
            #expect(ghost.status == .notFound)
            #expect(ServerFixture.detail(ghost.body) == "Table 'ghost' not found")
            for bad in ["/api/data/..%2Fetc%2Fpasswd/download", "/api/data/-x/download", "/api/data/%20/download"] {
                let malformed = try await client.raw(.get, bad, as: root.token)
                #expect(malformed.status == .notFound, "\(bad)")
            }
            let anonymous = try await client.raw(.get, "/api/data/orders/download", as: nil)
            #expect(anonymous.status == .unauthorized)
            let admin = try await client.raw(.get, "/api/data/payroll/download", as: root.token)
            #expect(admin.status == .ok)
        }
    }

    @Test func aChangedTableHasANewHashAndDownloadsTheNewBytes() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.publishLocal(Self.files)
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders", "customers"])
        try await fixture.application.test(.router) { client in
            let before = try await client.call(.get, "/api/sync/manifest", as: ana)
            let beforeTables = try #require(before.object["tables"] as? [String: [String: Any]])
            let oldHash = try #require(beforeTables["orders"]?["hash"] as? String)
            // A different size: the local source sees the change whatever the timestamp resolution.
            try await fixture.publishLocal(["orders.csv": "order_id,amount\n1,2.5\n"])
            let after = try await client.call(.get, "/api/sync/manifest", as: ana)
            let afterTables = try #require(after.object["tables"] as? [String: [String: Any]])
            let newHash = try #require(afterTables["orders"]?["hash"] as? String)
            #expect(newHash != oldHash)
            #expect(afterTables["orders"]?["rows"] as? Int == 1)
            #expect(afterTables["customers"]?["hash"] as? String == beforeTables["customers"]?["hash"] as? String)
            let download = try await client.raw(
                .get, "/api/data/orders/download", as: ana, headers: [.ifNoneMatch: "\"\(oldHash)\""])
            #expect(download.status == .ok)
            #expect(Self.md5(download.bytes) == newHash)
        }
    }

    @Test func aRevokedGrantRemovesTheTableAtOnce() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.publishLocal(Self.files)
        let ana = try await fixture.analyst("ana@example.com", tables: ["orders", "customers"])
        try await fixture.application.test(.router) { client in
            let before = try await client.call(.get, "/api/sync/manifest", as: ana)
            #expect((before.object["tables"] as? [String: Any])?.count == 2)
            let revoked = try await DuckDBGrantRepository(store: fixture.services.store).revokeAll(
                type: .table, resourceID: "orders")
            #expect(revoked == 1)
            let after = try await client.call(.get, "/api/sync/manifest", as: ana)
            #expect((after.object["tables"] as? [String: Any]).map { Set($0.keys) } == ["customers"])
            let download = try await client.raw(.get, "/api/data/orders/download", as: ana)
            #expect(download.status == .forbidden)
        }
    }
}
