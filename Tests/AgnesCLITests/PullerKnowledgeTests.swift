import AgnesCLI
import AgnesClient
import DuckDB
import Foundation
import Testing

/// The knowledge table `agnes pull` writes, against the fake server for what the real one cannot be
/// made to do: many pages, a failing or missing list route, a pulled table named `knowledge`.
@Suite struct PullerKnowledgeTests {
    static func pull(_ base: String, _ workspace: Workspace, pageSize: Int = 1000) async throws -> PullReport {
        try await AgnesAPI.withClient(server: base, token: "good-token") { api in
            var options = PullOptions()
            options.memoryPageSize = pageSize
            var puller = Puller(api: api, workspace: workspace, options: options)
            puller.sleep = { _ in }
            return try await puller.run()
        }
    }

    static func item(_ id: String, status: String, title: String = "Title", tags: [String] = []) -> JSONValue {
        .object([
            "id": .string(id), "title": .string(title), "content": .string("Content of \(id)."),
            "category": .string("workflow"), "domain": .null, "tags": .array(tags.map(JSONValue.string)),
            "status": .string(status), "confidence": .double(0.75), "source_type": .string("user"),
            "upvotes": .int(2), "downvotes": .int(1), "updated_at": .string("2025-03-04T05:06:07Z"),
        ])
    }

    static func knowledge(_ workspace: Workspace) throws -> [String: [DuckDBValue]] {
        let connection = try Database(path: workspace.database.path, options: ["access_mode": "READ_ONLY"]).connect()
        let rows = try connection.query(
            """
            SELECT id, status, tags, confidence, upvotes, downvotes, strftime(updated_at, '%Y-%m-%d %H:%M:%S')
            FROM knowledge
            """
        ).rows
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0].string ?? "", Array($0.dropFirst())) })
    }

    @Test func everyPageOfBothStatusesIsStoredAndVanishedItemsGo() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        let approved = (1...5).map { Self.item("a\($0)", status: "approved") }
        let mandatory = [Self.item("m1", status: "mandatory", tags: ["vat", "finance"])]
        await fake.setMemory(approved + mandatory + [Self.item("p1", status: "pending")])
        try await fake.run { base in
            let report = try await Self.pull(base, workspace, pageSize: 2)
            #expect(report.isSuccess, "\(report.errors)")
            #expect(report.knowledgeCount == 6)
            #expect(report.summaryLines.contains("Knowledge: 6 items (agnes memory search)."))
            let table = try Self.knowledge(workspace)
            #expect(Set(table.keys) == ["a1", "a2", "a3", "a4", "a5", "m1"])
            #expect(
                table["m1"]
                    == [
                        .varchar("mandatory"), .list([.varchar("vat"), .varchar("finance")]), .double(0.75), .bigint(2),
                        .bigint(1), .varchar("2025-03-04 05:06:07"),
                    ])
            await fake.setMemory(Array(approved.prefix(2)) + mandatory)
            let second = try await Self.pull(base, workspace, pageSize: 2)
            #expect(second.knowledgeCount == 3)
            #expect(Set(try Self.knowledge(workspace).keys) == ["a1", "a2", "m1"])
        }
    }

    @Test func aServerWithoutTheListRouteIsFineAndAFailingOneIsReported() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        await fake.setMemory([Self.item("a1", status: "approved")])
        try await fake.run { base in
            #expect(try await Self.pull(base, workspace).knowledgeCount == 1)
            await fake.setMemoryFailure(500)
            let failed = try await Self.pull(base, workspace)
            #expect(!failed.isSuccess && failed.knowledgeCount == nil)
            #expect(failed.errors.map(\.stage) == ["memory_knowledge"])
            #expect(failed.errors.first?.code == "server_error")
            #expect(Set(try Self.knowledge(workspace).keys) == ["a1"], "a failure keeps the previous table")
            await fake.setMemoryFailure(nil)
            await fake.setMemory(nil)
            let older = try await Self.pull(base, workspace)
            #expect(older.isSuccess && older.knowledgeCount == nil, "\(older.errors)")
            #expect(Set(try Self.knowledge(workspace).keys) == ["a1"])
        }
    }

    @Test func theAnalystsOwnKnowledgeTableIsKept() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        try FileManager.default.createDirectory(at: workspace.databaseDirectory, withIntermediateDirectories: true)
        do {
            let connection = try Database(path: workspace.database.path).connect()
            try connection.execute("CREATE TABLE knowledge AS SELECT 'mine' AS note")
        }
        let fake = FakeAgnes()
        await fake.setMemory([Self.item("a1", status: "approved")])
        try await fake.run { base in
            let report = try await Self.pull(base, workspace)
            #expect(report.isSuccess && report.knowledgeCount == nil, "\(report.errors)")
            #expect(report.warnings.contains { $0.hasPrefix("knowledge: the local database has another table") })
        }
        let connection = try Database(path: workspace.database.path, options: ["access_mode": "READ_ONLY"]).connect()
        #expect(try connection.query("SELECT note FROM knowledge").rows == [[.varchar("mine")]])
        await #expect(throws: ClientError.self) { try await LocalDatabase(workspace: workspace).knowledge() }
    }

    @Test func aPulledTableNamedKnowledgeTakesTheNameFromTheKnowledgeTable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        await fake.setMemory([Self.item("a1", status: "approved")])
        try await fake.run { base in
            #expect(try await Self.pull(base, workspace).knowledgeCount == 1)
            await fake.set("knowledge", try Parquet.make(rows: 4))
            let report = try await Self.pull(base, workspace)
            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect(report.knowledgeCount == nil)
            #expect(report.warnings.contains { $0.hasPrefix("knowledge: the local database has another table") })
            #expect(try PullerTests.views(workspace) == ["knowledge": 4])
            #expect(try await LocalDatabase(workspace: workspace).relationKind("knowledge") == .pulled)
        }
    }
}
