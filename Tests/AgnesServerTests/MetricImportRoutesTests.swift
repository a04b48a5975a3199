import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/admin/metrics/import`: YAML metric files uploaded as multipart `file`.
@Suite struct MetricImportRoutesTests {
    static let yaml = """
        - name: mrr
          category: revenue
          display_name: Monthly recurring revenue
          table: subscriptions
          table_name: ignored
          sql: |
            SELECT sum(amount) FROM subscriptions
          sql_by_region: SELECT region, sum(amount) FROM subscriptions GROUP BY 1
          sql_by_plan: SELECT plan, sum(amount) FROM subscriptions GROUP BY 1
          dimensions: [region, plan]
          synonyms: [MRR, 2024]
          validation:
            min: 0
        - just a string, skipped
        - name: 2024
          category: growth
          table_name: signups
          unit: 7
        """

    static func metrics(_ fixture: ServerFixture) async throws -> [MetricDefinition] {
        try await DuckDBMetricDefinitionRepository(store: fixture.services.store).list(category: nil)
    }

    @Test func listsOfMetricsAreImported() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            var body = MultipartBody.file(filename: "metrics.yml", content: Array(Self.yaml.utf8))
            body.addField("comment", "ignored")
            let reply = try await client.upload("/api/admin/metrics/import", as: root.token, body)
            #expect(reply.status == .ok)
            #expect(reply.object["status"] as? String == "imported")
            #expect(reply.object["count"] as? Int == 2)
            let mrr = try await client.call(.get, "/api/metrics/revenue/mrr", as: root.token)
            #expect(mrr.object["source"] as? String == "yaml_import")
            #expect(mrr.object["table_name"] as? String == "subscriptions")
        }
        let stored = try await Self.metrics(fixture)
        let mrr = try #require(stored.first { $0.id == "revenue/mrr" })
        #expect(mrr.displayName == "Monthly recurring revenue")
        #expect(mrr.sql == "SELECT sum(amount) FROM subscriptions\n")
        #expect(mrr.sqlVariants.keys.sorted() == ["by_plan", "by_region"])
        #expect(mrr.dimensions == ["region", "plan"])
        #expect(mrr.synonyms == ["MRR", "2024"])
        #expect(mrr.validationJSON == #"{"min":0}"#)
        let signups = try #require(stored.first { $0.id == "growth/2024" })
        #expect(signups.displayName == "2024")
        #expect(signups.tableName == "signups")
        #expect(signups.unit == "7")
        #expect(signups.sql == "")
        #expect(signups.type == "sum" && signups.grain == "monthly")
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == ["metric.import"])
        #expect(audit.first?.resource == "metric:metrics.yml")
        #expect(audit.first?.params?["count"] == "2")
    }

    @Test func aSingleMappingIsOneMetricAndReimportReplaces() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            for sql in ["SELECT 1", "SELECT 2"] {
                let yaml = "name: arr\ncategory: revenue\nsql: \(sql)\n"
                let reply = try await client.upload(
                    "/api/admin/metrics/import", as: root.token, .file(filename: nil, content: Array(yaml.utf8)))
                #expect(reply.object["count"] as? Int == 1)
            }
        }
        let stored = try await Self.metrics(fixture)
        #expect(stored.map(\.id) == ["revenue/arr"])
        #expect(stored.first?.sql == "SELECT 2")
        #expect(try await fixture.auditLog().first?.resource == "metric:(unnamed)")
    }

    @Test(arguments: [
        ("name: [unclosed\n", "Invalid YAML: line"), ("", "Empty YAML file"), ("# only a comment\n", "Empty YAML file"),
        ("[]\n", "Empty YAML file"), ("{}\n", "Empty YAML file"), ("42\n", "Expected a metric mapping"),
        ("- name: ok\n  category: c\n- name: missing_category\n", "Each metric must have 'name' and 'category' fields"),
        ("name: x\ncategory: ''\n", "Each metric must have 'name' and 'category' fields"),
        ("name: [x]\ncategory: c\n", "Each metric must have 'name' and 'category' fields"),
        ("name: x\ncategory: c\ntables: orders\n", "Metric 'c/x': 'tables' must be a list"),
        ("name: x\ncategory: c\nsql: {a: 1}\n", "Metric 'c/x': 'sql' must be text"),
        ("name: x\ncategory: c\nnotes: [[a]]\n", "Metric 'c/x': 'notes' must be a list of texts"),
    ])
    func badFilesAre400AndImportNothing(yaml: String, detail: String) async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let reply = try await client.upload(
                "/api/admin/metrics/import", as: root.token, .file(filename: "m.yml", content: Array(yaml.utf8)))
            #expect(reply.status == .badRequest)
            #expect(reply.detail?.hasPrefix(detail) == true)
        }
        #expect(try await Self.metrics(fixture).isEmpty)
        #expect(try await fixture.auditLog().isEmpty)
    }

    @Test func filesThatAreNotTextAre400() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let reply = try await client.upload(
                "/api/admin/metrics/import", as: root.token, .file(filename: "m.yml", content: [0x6E, 0xFF, 0xFE]))
            #expect(reply.status == .badRequest)
            #expect(reply.detail == "Invalid YAML: the file is not UTF-8 text")
        }
    }

    @Test func formsWithoutAFileAre422() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            var form = MultipartBody()
            form.addField("other", "name: x\ncategory: c\n")
            let noFile = try await client.upload("/api/admin/metrics/import", as: root.token, form)
            #expect(noFile.status == .unprocessableContent)
            #expect(noFile.detail == "field required: file")
            let json = try await client.call(.post, "/api/admin/metrics/import", as: root.token, body: ["file": "x"])
            #expect(json.status == .unprocessableContent)
            #expect(json.detail == "field required: file")
            let noBoundary = try await client.send(
                .post, "/api/admin/metrics/import", as: root.token, contentType: "multipart/form-data", bytes: [])
            #expect(noBoundary.status == .badRequest)
        }
    }

    @Test func oversizedFilesAre413() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let yaml = "name: x\ncategory: c\nsql: '" + String(repeating: "x", count: 5 * 1024 * 1024) + "'\n"
        try await fixture.application.test(.router) { client in
            let reply = try await client.upload(
                "/api/admin/metrics/import", as: root.token, .file(filename: "m.yml", content: Array(yaml.utf8)))
            #expect(reply.status == .contentTooLarge)
            #expect(reply.detail == "File too large (max 5MB)")
        }
        #expect(try await Self.metrics(fixture).isEmpty)
    }
}
