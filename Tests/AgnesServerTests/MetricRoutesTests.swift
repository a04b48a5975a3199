import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/metrics`, `/api/admin/metrics` and the deprecated `/api/catalog/metrics` redirect.
@Suite struct MetricRoutesTests {
    static var mrr: [String: Any?] {
        [
            "id": "revenue/mrr", "name": "mrr", "display_name": "Monthly recurring revenue", "category": "revenue",
            "sql": "SELECT sum(amount) FROM subscriptions", "unit": "USD", "tables": ["subscriptions"],
            "synonyms": ["MRR"],
            "sql_variants": ["by_region": "SELECT region, sum(amount) FROM subscriptions GROUP BY 1"],
            "validation": ["min": 0, "rules": ["non_negative"]],
        ]
    }

    static let wireKeys: Set<String> = [
        "id", "name", "display_name", "category", "description", "type", "unit", "grain", "table_name", "tables",
        "expression", "time_column", "dimensions", "filters", "synonyms", "notes", "sql", "sql_variants",
        "validation", "source", "created_at", "updated_at",
    ]

    @Test func adminsCreateAndEveryoneReads() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let created = try await client.call(.post, "/api/admin/metrics", as: root.token, body: Self.mrr)
            #expect(created.status == .created)
            #expect(Set(created.object.keys) == Self.wireKeys)
            #expect(created.object["type"] as? String == "sum")
            #expect(created.object["grain"] as? String == "monthly")
            #expect(created.object["source"] as? String == "manual")
            #expect(created.object["dimensions"] as? [String] == [])
            #expect(created.object["description"] is NSNull)
            #expect((created.object["sql_variants"] as? [String: String])?.keys.sorted() == ["by_region"])
            let validation = created.object["validation"] as? [String: Any]
            #expect(validation?["rules"] as? [String] == ["non_negative"])
            #expect(created.object["created_at"] is String)

            let one = try await client.call(.get, "/api/metrics/revenue/mrr", as: ana.token)
            #expect(one.status == .ok)
            #expect(one.object["display_name"] as? String == "Monthly recurring revenue")
            #expect(one.object["synonyms"] as? [String] == ["MRR"])
            let encoded = try await client.call(.get, "/api/metrics/revenue%2Fmrr", as: ana.token)
            #expect(encoded.object["id"] as? String == "revenue/mrr")
        }
        let audit = try await fixture.auditLog()
        #expect(audit.map(\.action) == ["metric.upsert"])
        #expect(audit.first?.resource == "metric:revenue/mrr")
        #expect(audit.first?.params == ["name": "mrr", "category": "revenue", "source": "manual"])
    }

    @Test func listsFilterByCategory() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            for (category, name) in [("revenue", "mrr"), ("revenue", "arr"), ("growth", "signups")] {
                let reply = try await client.call(
                    .post, "/api/admin/metrics", as: root.token,
                    body: [
                        "id": "\(category)/\(name)", "name": name, "display_name": name, "category": category,
                        "sql": "SELECT 1",
                    ])
                #expect(reply.status == .created)
            }
            let all = try await client.call(.get, "/api/metrics", as: ana.token)
            #expect(all.object["count"] as? Int == 3)
            let ids = (all.object["metrics"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(Set(ids ?? []) == ["revenue/mrr", "revenue/arr", "growth/signups"])
            let revenue = try await client.call(.get, "/api/metrics?category=revenue", as: ana.token)
            #expect(revenue.object["count"] as? Int == 2)
            let none = try await client.call(.get, "/api/metrics?category=nothing", as: ana.token)
            #expect(none.object["count"] as? Int == 0)
            #expect((none.object["metrics"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func upsertsReplaceAndKeepTheCreationTime() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let first = try await client.call(.post, "/api/admin/metrics", as: root.token, body: Self.mrr)
            var changed = Self.mrr
            changed["display_name"] = "MRR"
            changed["validation"] = nil
            changed["sql_variants"] = nil
            let second = try await client.call(.post, "/api/admin/metrics", as: root.token, body: changed)
            #expect(second.status == .created)
            #expect(second.object["display_name"] as? String == "MRR")
            #expect(second.object["validation"] is NSNull)
            #expect(second.object["sql_variants"] is NSNull)
            #expect(second.object["created_at"] as? String == first.object["created_at"] as? String)
            let list = try await client.call(.get, "/api/metrics", as: root.token)
            #expect(list.object["count"] as? Int == 1)
        }
    }

    @Test func deletesAnswerTheIdOr404() async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            // A category named like the import route must still be reachable.
            var body = Self.mrr
            body["id"] = "import/mrr"
            _ = try await client.call(.post, "/api/admin/metrics", as: root.token, body: Self.mrr)
            _ = try await client.call(.post, "/api/admin/metrics", as: root.token, body: body)
            let deleted = try await client.call(.delete, "/api/admin/metrics/revenue/mrr", as: root.token)
            #expect(deleted.status == .ok)
            #expect(deleted.object["status"] as? String == "deleted")
            #expect(deleted.object["id"] as? String == "revenue/mrr")
            let again = try await client.call(.delete, "/api/admin/metrics/revenue/mrr", as: root.token)
            #expect(again.status == .notFound)
            #expect(again.detail == "Metric 'revenue/mrr' not found")
            let gone = try await client.call(.get, "/api/metrics/revenue/mrr", as: root.token)
            #expect(gone.status == .notFound)
            #expect(gone.detail == "Metric 'revenue/mrr' not found")
            let importCategory = try await client.call(.delete, "/api/admin/metrics/import/mrr", as: root.token)
            #expect(importCategory.status == .ok)
        }
        #expect(
            try await fixture.auditLog().map(\.action) == [
                "metric.upsert", "metric.upsert", "metric.delete", "metric.delete",
            ])
    }

    @Test(arguments: [
        ("revenue/mrr.yml", "/api/metrics/revenue/mrr"), ("revenue/mrr", "/api/metrics/revenue/mrr"),
        ("a%20b/c.yml", "/api/metrics/a%20b/c"),
    ])
    func theCatalogPathRedirects(path: String, location: String) async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/api/catalog/metrics/\(path)", method: .get, headers: [.authorization: "Bearer \(ana.token)"],
                body: nil)
            #expect(response.status == .movedPermanently)
            #expect(response.headers[.location] == location)
            let anonymous = try await client.call(.get, "/api/catalog/metrics/\(path)", as: nil)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test(arguments: [
        ("sql", "field required: sql"), ("display_name", "field required: display_name"),
    ])
    func missingFieldsAre422(field: String, detail: String) async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            var body = Self.mrr
            body[field] = nil
            let reply = try await client.call(.post, "/api/admin/metrics", as: root.token, body: body)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.detail == detail)
        }
        #expect(try await DuckDBMetricDefinitionRepository(store: fixture.services.store).list(category: nil).isEmpty)
    }

    @Test(arguments: [
        ("id", #""""#, "id must not be empty"), ("id", #""revenue//mrr""#, "id must not contain empty path segments"),
        ("id", #""/mrr""#, "id must not contain empty path segments"),
        ("category", #"" ""#, "category must not be empty"),
        ("tables", #""orders""#, "invalid type for tables"),
        ("sql_variants", #"{"by_x": 1}"#, "invalid type for sql_variants"),
        ("validation", "[1, 2]", "invalid type for validation"),
    ])
    func badValuesAre422(field: String, json: String, detail: String) async throws {
        let fixture = try await ServerFixture.fast()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            var body = Self.mrr
            body[field] = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
            let reply = try await client.call(.post, "/api/admin/metrics", as: root.token, body: body)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.detail?.hasPrefix(detail) == true)
            let notJSON = try await client.send(
                .post, "/api/admin/metrics", as: root.token, contentType: "application/json", bytes: Array("{".utf8))
            #expect(notJSON.status == .unprocessableContent)
            #expect(notJSON.detail == "the body is not valid JSON")
        }
        #expect(try await DuckDBMetricDefinitionRepository(store: fixture.services.store).list(category: nil).isEmpty)
    }

    static let adminRoutes: [(HTTPRequest.Method, String)] = [
        (.post, "/api/admin/metrics"), (.delete, "/api/admin/metrics/revenue/mrr"),
        (.post, "/api/admin/metrics/import"),
    ]

    @Test(arguments: adminRoutes)
    func adminRoutesRefuseOthers(method: HTTPRequest.Method, path: String) async throws {
        let fixture = try await ServerFixture.fast()
        let ana = try await fixture.analyst()
        try await DuckDBMetricDefinitionRepository(store: fixture.services.store).upsert(
            MetricDefinition(id: "revenue/mrr", name: "mrr", displayName: "MRR", category: "revenue", sql: "SELECT 1"))
        try await fixture.application.test(.router) { client in
            let forbidden = try await client.call(method, path, as: ana.token, body: Self.mrr)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.detail == "Admin access required")
            let anonymous = try await client.call(method, path, as: nil, body: Self.mrr)
            #expect(anonymous.status == .unauthorized)
        }
        #expect(
            try await DuckDBMetricDefinitionRepository(store: fixture.services.store).list(category: nil).count == 1)
        #expect(try await fixture.auditLog().isEmpty)
    }

    @Test(arguments: ["/api/metrics", "/api/metrics/revenue/mrr"])
    func readsNeedACaller(path: String) async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            let reply = try await client.call(.get, path, as: nil)
            #expect(reply.status == .unauthorized)
            #expect(reply.detail == "Missing or invalid Authorization header")
        }
    }
}
