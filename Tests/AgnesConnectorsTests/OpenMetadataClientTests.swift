import AgnesConnectors
import AgnesFakes
import AsyncHTTPClient
import Foundation
import Synchronization
import Testing

/// The waits a ``RetryPolicy`` asked for, recorded instead of slept.
final class RecordedWaits: Sendable {
    private let waits = Mutex<[Duration]>([])

    var all: [Duration] { waits.withLock { $0 } }

    func policy(maxAttempts: Int = 6) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts) { [self] delay in waits.withLock { $0.append(delay) } }
    }
}

/// The OpenMetadata REST client against ``FakeOpenMetadata`` on 127.0.0.1.
@Suite struct OpenMetadataClientTests {
    static func withFake(
        maxAttempts: Int = 6, pageSize: Int = 100,
        _ body: (FakeOpenMetadata, OpenMetadataClient, RecordedWaits) async throws -> Void
    ) async throws {
        let fake = await FakeOpenMetadata.start()
        let waits = RecordedWaits()
        let configuration = OpenMetadataConfiguration(
            baseURL: fake.baseURL + "/api/", token: fake.token, tokenSource: "$OPENMETADATA_TOKEN",
            pageSize: pageSize, retry: waits.policy(maxAttempts: maxAttempts))
        do {
            try await OpenMetadataClient.with(configuration) { client in try await body(fake, client, waits) }
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    static let orders = FakeOpenMetadataTable(
        fqn: "bigquery.orders", description: "<p>One row per <strong>order</strong>.</p>",
        columns: [
            .init(name: "amount", dataType: "DECIMAL", description: "Net amount in USD", tags: ["Finance.Revenue"]),
            .init(name: "email", dataType: "VARCHAR", tags: ["PII.Sensitive"]),
            .init(name: "created_at", dataType: "TIMESTAMP"),
        ],
        tags: ["Tier.Tier1"], owners: ["ana"])

    @Test func aTableIsReadByFQNWithTheBearerTokenAndTheFieldsItNeeds() async throws {
        try await Self.withFake { fake, client, _ in
            fake.putTable(Self.orders)
            let table = try #require(try await client.table(fqn: "bigquery.orders"))
            #expect(table.fullyQualifiedName == "bigquery.orders")
            #expect(table.columns?.map(\.name) == ["amount", "email", "created_at"])
            #expect(table.columns?.first?.tags?.map(\.tagFQN) == ["Finance.Revenue"])
            #expect(table.tags?.map(\.tagFQN) == ["Tier.Tier1"] && table.owners?.first?.name == "ana")
            let request = try #require(fake.requests(pathContains: "/tables/").first)
            #expect(request.path == "/api/v1/tables/name/bigquery.orders", "a trailing /api in the URL is dropped")
            #expect(request.authorization == "Bearer \(fake.token)")
            #expect(
                Set(request.query["fields"]?.split(separator: ",").map(String.init) ?? []) == [
                    "columns", "tags", "owners", "extension",
                ])
            #expect(try await client.table(fqn: "bigquery.nowhere") == nil, "404: OpenMetadata does not have it")
        }
    }

    @Test func aRefusedTokenIsFinalAndSaysWhereTheTokenCameFromWithoutShowingIt() async throws {
        try await Self.withFake { fake, client, waits in
            fake.token = "rotated"
            let error = await #expect(throws: OpenMetadataError.self) { try await client.table(fqn: "bigquery.orders") }
            #expect(error?.code == .unauthorized && error?.isFatal == true)
            #expect(
                error?.message
                    == "OpenMetadata rejected the token (HTTP 401: Not Authorized! Invalid Token): check $OPENMETADATA_TOKEN"
            )
            #expect(fake.requests.count == 1 && waits.all.isEmpty, "a 401 is not retried")
            #expect(!"\(client.configuration)".contains(client.configuration.token), "the token never shows")
        }
    }

    @Test func a429IsRetriedAfterTheWaitItsRetryAfterAsksFor() async throws {
        try await Self.withFake { fake, client, waits in
            fake.putTable(Self.orders)
            fake.inject(.status(429, retryAfter: 7), pathContains: "/tables/")
            let table = try await client.table(fqn: "bigquery.orders")
            #expect(table?.name == "orders")
            #expect(waits.all == [.seconds(7)])
            #expect(fake.requests(pathContains: "/tables/").count == 2)
        }
    }

    @Test func serverErrorsAreRetriedWithBackoffThenGiveUp() async throws {
        try await Self.withFake(maxAttempts: 3) { fake, client, waits in
            fake.putMetric(FakeOpenMetadataMetric(name: "mrr", code: "SUM(amount)"))
            fake.inject(.status(503), pathContains: "/metrics/name/", count: 2)
            let metric = try await client.metric(fqn: "mrr")
            #expect(metric?.metricExpression?.code == "SUM(amount)")
            #expect(waits.all == [.milliseconds(500), .seconds(1)])
            fake.inject(.status(500), pathContains: "/metrics/name/", count: 3)
            let error = await #expect(throws: OpenMetadataError.self) { try await client.metric(fqn: "mrr") }
            #expect(error?.code == .unavailable && error?.status == 500 && error?.isFatal == false)
            #expect(error?.message.hasSuffix("(gave up after retries)") == true)
        }
    }

    @Test func metricsArePagedWithAfterCursorsUntilTheLastPage() async throws {
        try await Self.withFake(pageSize: 10) { fake, client, _ in
            for index in 1...25 { fake.putMetric(FakeOpenMetadataMetric(name: String(format: "metric_%02d", index))) }
            let metrics = try await client.metrics()
            #expect(metrics.map(\.name) == (1...25).map { String(format: "metric_%02d", $0) })
            let pages = fake.requests(pathContains: "/api/v1/metrics")
            #expect(pages.count == 3)
            #expect(pages.map { $0.query["after"] == nil } == [true, false, false])
            #expect(pages.allSatisfy { $0.query["limit"] == "10" && $0.query["fields"] == "tags" })
        }
    }

    @Test func aDataProductsMetricsAreFoundThroughTheSearchPageByPage() async throws {
        try await Self.withFake(pageSize: 2) { fake, client, _ in
            fake.putMetric(FakeOpenMetadataMetric(name: "arr", dataProducts: ["AnalyticsDataModel"]))
            fake.putMetric(FakeOpenMetadataMetric(name: "churn", dataProducts: ["Other"]))
            fake.putMetric(FakeOpenMetadataMetric(name: "mrr", dataProducts: ["AnalyticsDataModel", "Other"]))
            fake.putMetric(FakeOpenMetadataMetric(name: "nps"))
            let found = try await client.metrics(inDataProduct: "AnalyticsDataModel")
            #expect(found.map(\.name) == ["arr", "mrr"])
            let searches = fake.requests(pathContains: "/search/query")
            #expect(searches.map { $0.query["from"] } == ["0", "2", "4"])
            #expect(searches.allSatisfy { $0.query["index"] == "metric_search_index" && $0.query["q"] == "*" })
        }
    }

    @Test func anAnswerThatIsNotTheDocumentedJSONIsAnInvalidResponse() async throws {
        try await Self.withFake { fake, client, _ in
            fake.inject(.malformed, pathContains: "/tables/")
            let error = await #expect(throws: OpenMetadataError.self) { try await client.table(fqn: "bigquery.orders") }
            #expect(error?.code == .invalidResponse)
        }
    }

    @Test func aServerOutOfReachIsUnreachableAfterTheRetries() async throws {
        let waits = RecordedWaits()
        // A port nothing listens on: the fake's, after it stopped.
        let fake = await FakeOpenMetadata.start()
        let base = fake.baseURL
        await fake.stop()
        let configuration = OpenMetadataConfiguration(
            baseURL: base, token: "t", connectTimeout: .milliseconds(200), retry: waits.policy(maxAttempts: 2))
        let error = await #expect(throws: OpenMetadataError.self) {
            try await OpenMetadataClient.with(configuration) { try await $0.table(fqn: "bigquery.orders") }
        }
        #expect(error?.code == .unreachable && error?.isFatal == true)
        #expect(waits.all.count == 1)
    }
}
