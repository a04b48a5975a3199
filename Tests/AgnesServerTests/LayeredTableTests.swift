import AgnesCore
import AgnesData
import AgnesServer
import AgnesStore
import Crypto
import DuckDB
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A table kept as a base file and a delta (what an incremental Keboola sync leaves) is one table on
/// every read surface: the query sandbox, the schema and sample routes, the profile, the manifest
/// and the download, which is written once from both and hashed as the manifest announces it.
@Suite struct LayeredTableTests {
    static let source = Identifier("layered")!
    static let name = Identifier("orders")!

    /// Publishes `orders` as 1,000 base rows (`id` 0…999, note `old`) and a delta of `delta` rows
    /// (note `new`), then rebuilds.
    static func publish(_ fixture: ServerFixture, delta ids: [Int], note: String = "new") async throws {
        let layout = fixture.services.layout
        let writer = ExtractWriter(sourceDirectory: layout.sourceDirectory(source))
        let connection = try Database().connect()
        let publisher = Publisher()
        let base = try publisher.publish(to: writer.dataFile(for: name)) { temporary in
            try connection.execute(
                "COPY (SELECT range AS id, 'old' AS note FROM range(1000)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet)"
            )
        }
        let values = ids.map { "(\($0), \(SQLText.literal(note)))" }.joined(separator: ", ")
        let delta = try publisher.publish(
            to: layout.dataDirectory(source).appendingPathComponent("orders.delta.parquet")
        ) {
            temporary in
            try connection.execute(
                "COPY (SELECT id::BIGINT AS id, note FROM (VALUES \(values)) v(id, note)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet)"
            )
        }
        let rows = Int64(1000 + ids.filter { $0 >= 1000 }.count)
        try writer.write(tables: [
            ExtractTable(name: name, rows: rows, file: base, delta: TableDelta(file: delta, key: ["id"]))
        ])
        _ = try await fixture.services.orchestrator.rebuild()
    }

    static func md5(_ bytes: [UInt8]) -> String {
        Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Rows of a downloaded parquet file: all, and those with `note`.
    static func count(_ bytes: [UInt8], note: String) throws -> (all: Int64, noted: Int64) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("layered-\(UUID().uuidString).parquet")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes).write(to: file)
        let row = try Database().connect().query(
            "SELECT count(*), count(*) FILTER (WHERE note = \(SQLText.literal(note))), count(DISTINCT id) FROM read_parquet(\(SQLText.literal(file.path)))"
        ).rows[0]
        #expect(row[0].int64 == row[2].int64, "a key is in the download twice")
        return (row[0].int64 ?? 0, row[1].int64 ?? 0)
    }

    @Test func aBaseAndADeltaAreOneTableForQueriesSchemaSampleProfileManifestAndDownload() async throws {
        let fixture = try await ServerFixture.fast()
        _ = try await DuckDBTableRegistryRepository(store: fixture.services.store).register(
            TableRegistration(id: "orders", name: "orders", sourceType: "layered", primaryKey: ["id"]))
        try await Self.publish(fixture, delta: [5, 7, 1000, 1001])
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let query = try await client.call(
                .post, "/api/query", as: root.token,
                body: [
                    "sql":
                        "SELECT count(*) AS n, count(*) FILTER (WHERE note = 'new') AS changed, count(DISTINCT id) AS ids FROM orders"
                ])
            #expect(query.status == .ok, "\(query.object)")
            let values = try #require((query.object["rows"] as? [[Any]])?.first)
            #expect(values.map { "\($0)" } == ["1002", "4", "1002"])

            let schema = try await client.call(.get, "/api/v2/schema/orders", as: root.token)
            #expect(schema.status == .ok, "\(schema.object)")
            #expect(
                (schema.object["columns"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["id", "note"])
            let sample = try await client.call(.get, "/api/v2/sample/orders?n=5", as: root.token)
            #expect((sample.object["rows"] as? [[String: Any]])?.count == 5)

            let profile = try await client.call(.post, "/api/catalog/profile/orders/refresh", as: root.token)
            #expect(profile.status == .ok, "\(profile.object)")
            let document = try await client.call(.get, "/api/catalog/profile/orders", as: root.token)
            #expect(document.object["row_count"] as? Int == 1002, "\(document.object)")

            // The manifest announces the file a download returns: both layers, each key once.
            let manifest = try await client.call(.get, "/api/sync/manifest", as: root.token)
            let entry = try #require((manifest.object["tables"] as? [String: [String: Any]])?["orders"])
            let download = try await client.raw(.get, "/api/data/orders/download", as: root.token)
            #expect(download.status == .ok)
            #expect(entry["hash"] as? String == Self.md5(download.bytes))
            #expect(entry["size_bytes"] as? Int == download.bytes.count)
            #expect(entry["rows"] as? Int == 1002)
            let counted = try Self.count(download.bytes, note: "new")
            #expect(counted.all == 1002 && counted.noted == 4)
            // Written once: a second download is the same file, and a matching ETag is a 304.
            let again = try await client.raw(.get, "/api/data/orders/download", as: root.token)
            #expect(again.bytes == download.bytes)
            let etag = try #require(download.headers[.eTag])
            let cached = try await client.raw(
                .get, "/api/data/orders/download", as: root.token, headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)
            let written = try FileManager.default.contentsOfDirectory(
                atPath: fixture.root.appendingPathComponent("tmp/downloads/p\(getpid())").path
            ).filter { !$0.hasPrefix(".") }
            #expect(written.count == 1)
        }
    }

    @Test func aDownloadThatCannotBeWrittenLeavesTheTablesHashEmptyAndTheManifestWhole() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.publishLocal(["customers.csv": "customer_id,name\n1,Ada\n"])
        try await Self.publish(fixture, delta: [1, 2])
        let root = try await fixture.admin()
        // A file where this process writes download files: nothing can be written there.
        let directory = fixture.root.appendingPathComponent("tmp/downloads/p\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(
            at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("in the way".utf8).write(to: directory)
        try await fixture.application.test(.router) { client in
            let manifest = try await client.call(.get, "/api/sync/manifest", as: root.token)
            #expect(manifest.status == .ok)
            let tables = try #require(manifest.object["tables"] as? [String: [String: Any]])
            #expect(tables["orders"]?["hash"] as? String == "")
            #expect((tables["customers"]?["hash"] as? String)?.count == 32)
            let download = try await client.raw(.get, "/api/data/orders/download", as: root.token)
            #expect(download.status.code >= 500)
            // The failure is remembered for a minute: the next manifest does not try the write again.
            try FileManager.default.removeItem(at: directory)
            let again = try await client.call(.get, "/api/sync/manifest", as: root.token)
            #expect((again.object["tables"] as? [String: [String: Any]])?["orders"]?["hash"] as? String == "")
            #expect(!FileManager.default.fileExists(atPath: directory.path))
        }
    }

    @Test func aNewDeltaChangesTheHashAndTheLastSyncAndReplacesTheWrittenDownload() async throws {
        let fixture = try await ServerFixture.fast()
        try await Self.publish(fixture, delta: [1, 2])
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let first = try #require(
                (try await client.call(.get, "/api/sync/manifest", as: root.token).object["tables"]
                    as? [String: [String: Any]])?["orders"])
            let before = try #require(
                try await DuckDBSyncStateRepository(store: fixture.services.store).find(tableID: "orders"))
            _ = try await client.raw(.get, "/api/data/orders/download", as: root.token)
            // The same base, another delta.
            try await Self.publish(fixture, delta: [1, 2, 3], note: "newer")
            let second = try #require(
                (try await client.call(.get, "/api/sync/manifest", as: root.token).object["tables"]
                    as? [String: [String: Any]])?["orders"])
            #expect(first["hash"] as? String != second["hash"] as? String)
            let after = try #require(
                try await DuckDBSyncStateRepository(store: fixture.services.store).find(tableID: "orders"))
            #expect(after.hash != before.hash)
            #expect((after.lastSync ?? .distantPast) > (before.lastSync ?? .distantFuture))
            let download = try await client.raw(.get, "/api/data/orders/download", as: root.token)
            #expect(second["hash"] as? String == Self.md5(download.bytes))
            #expect(try Self.count(download.bytes, note: "newer").noted == 3)
            // The files of the two latest contents are kept (a generation being replaced may still be
            // asked for); nothing more.
            let written = try FileManager.default.contentsOfDirectory(
                atPath: fixture.root.appendingPathComponent("tmp/downloads/p\(getpid())").path
            ).filter { !$0.hasPrefix(".") }
            #expect(written.count == 2)
        }
    }
}
