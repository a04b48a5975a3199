// A fake OpenMetadata server on 127.0.0.1: the REST calls a catalog reader makes, speaking the
// documented API so a client that works against it works against a real server after a configuration
// change (its URL and token).
//
// Documented behaviour it reproduces (sources: docs.open-metadata.org API reference — "Retrieve a
// Table", "List Metrics", "Retrieve a Metric", "Search Entities", "Pagination", "Errors"; the entity
// schemas openmetadata-spec/…/entity/data/table.json, metric.json, type/tagLabel.json):
// - Every `/api/v1/…` call needs `Authorization: Bearer <token>`; none is 401
//   `{"code":401,"message":"Not Authorized! Token not present"}`, a wrong one 401
//   `{"code":401,"message":"Not Authorized! Invalid Token"}`.
// - `GET /api/v1/tables/name/{fqn}`: the table by fully qualified name (percent-decoded path segment).
//   `fields` is a comma-separated list from the documented set (tableConstraints, tablePartition,
//   usageSummary, owners, customMetrics, columns, sampleData, tags, followers, joins,
//   schemaDefinition, dataModel, extension, testSuite, domains, dataProducts, lifeCycle, sourceHash);
//   an unknown one is 400 `Invalid field name <f>`. Only the fields asked for are in the answer
//   (`columns` — with their tags when `tags` is asked for too —, `tags`, `owners` as entity
//   references, `extension` with custom properties); id, name, fullyQualifiedName, description,
//   deleted and version always are. Unknown → 404
//   `{"code":404,"errorType":"ENTITY_NOT_FOUND","message":"table instance for <fqn> not found"}`.
// - `GET /api/v1/metrics`: cursor pagination. `limit` (default 10, 0…1,000,000, else 400), `after`
//   (an opaque cursor from the last page's `paging.after`), `fields` (owners, reviewers,
//   relatedMetrics, followers, tags, extension, domains, dataProducts, votes). Answer
//   `{"data":[…],"paging":{"total":N,"after":"…"}}`, `after` absent on the last page; ordered by name.
// - `GET /api/v1/metrics/name/{fqn}`: one metric (the FQN of a metric is its name); same `fields`; 404
//   `metric instance for <fqn> not found`. Metric fields: metricExpression {language, code},
//   metricType, unitOfMeasurement, customUnitOfMeasurement, granularity.
// - `GET /api/v1/search/query`: `q` (required; `*` matches all, other text matches names containing
//   it), `index` (`metric_search_index`, `table_search_index`, `all`; default `all`), `from`, `size`
//   (negative is 400), `deleted`. The answer is Elasticsearch's: `{"hits":{"total":{"value":N,
//   "relation":"eq"},"hits":[{"_index","_id","_score","_source":{…entity with tags, owners,
//   dataProducts, entityType}}]}}`.
// - Failures (``FakeOpenMetadataFailure``): any status with `Retry-After` (a reverse proxy's 429, a 503)
//   and a body that is not JSON, injected into the next requests whose path contains a string.
//
// Decided where the docs are silent: a `query_filter` on the search is ignored (the original Agnes
// client found servers ignoring it for `dataProducts` and filters hits itself); cursors are base64 of
// the last name returned; the search sorts hits by name; soft deletion is not modelled (a removed
// entity is gone).

import Foundation
import Hummingbird
import Synchronization

/// A fake OpenMetadata server on a free port of 127.0.0.1.
///
/// ```swift
/// let catalog = await FakeOpenMetadata.start()
/// catalog.putTable(FakeOpenMetadataTable(fqn: "bigquery.orders", description: "Orders",
///                                        columns: [.init(name: "amount", dataType: "DECIMAL", description: "Net")]))
/// catalog.putMetric(FakeOpenMetadataMetric(name: "net_revenue", code: "SUM(amount)", tags: ["MetricCategory.finance"]))
/// catalog.inject(.status(429, retryAfter: 7), pathContains: "/tables/")
/// // point the client at catalog.baseURL with catalog.token
/// await catalog.stop()
/// ```
public final class FakeOpenMetadata: Sendable {
    let store: FakeOpenMetadataStore
    private let server: LoopbackServer

    private init(store: FakeOpenMetadataStore, server: LoopbackServer) {
        self.store = store
        self.server = server
    }

    /// Starts the fake and returns once it listens.
    public static func start(token: String = "om-bot-jwt") async -> FakeOpenMetadata {
        let store = FakeOpenMetadataStore(token: token)
        let router = Router()
        router.add(middleware: FakeOpenMetadataResponder(store: store))
        return FakeOpenMetadata(store: store, server: await LoopbackServer.start(router, label: "fake-openmetadata"))
    }

    /// Stops listening.
    public func stop() async { await server.stop() }

    /// The server's root, `http://127.0.0.1:<port>` (the client adds `/api/v1/…`).
    public var baseURL: String { server.base }

    /// The bearer token the fake accepts; setting it revokes the old one.
    public var token: String {
        get { store.state.withLock { $0.token } }
        set { store.state.withLock { $0.token = newValue } }
    }

    /// Adds or replaces a table (by FQN).
    public func putTable(_ table: FakeOpenMetadataTable) {
        store.state.withLock { $0.tables[table.fqn] = table }
    }

    /// Removes a table: it answers 404 from now on.
    public func removeTable(fqn: String) {
        store.state.withLock { _ = $0.tables.removeValue(forKey: fqn) }
    }

    /// Adds or replaces a metric (by name).
    public func putMetric(_ metric: FakeOpenMetadataMetric) {
        store.state.withLock { $0.metrics[metric.name] = metric }
    }

    /// Removes a metric.
    public func removeMetric(name: String) {
        store.state.withLock { _ = $0.metrics.removeValue(forKey: name) }
    }

    /// Answers the next `count` requests whose path contains `pathContains` with `failure` instead.
    public func inject(_ failure: FakeOpenMetadataFailure, pathContains: String, count: Int = 1) {
        store.state.withLock { state in
            for _ in 0..<count { state.injections.append((pathContains, failure)) }
        }
    }

    /// Every request served so far, in order.
    public var requests: [FakeOpenMetadataRequest] { store.state.withLock { $0.requests } }

    /// The requests whose path contains `text`.
    public func requests(pathContains text: String) -> [FakeOpenMetadataRequest] {
        requests.filter { $0.path.contains(text) }
    }
}

/// The fake's data, shared with its responder.
final class FakeOpenMetadataStore: Sendable {
    let state: Mutex<FakeOpenMetadataState>
    init(token: String) { state = Mutex(FakeOpenMetadataState(token: token)) }
}

struct FakeOpenMetadataState {
    var token: String
    var tables: [String: FakeOpenMetadataTable] = [:]
    var metrics: [String: FakeOpenMetadataMetric] = [:]
    var injections: [(pathContains: String, failure: FakeOpenMetadataFailure)] = []
    var requests: [FakeOpenMetadataRequest] = []

    /// The first injection for `path`, removed.
    mutating func takeInjection(path: String) -> FakeOpenMetadataFailure? {
        guard let index = injections.firstIndex(where: { path.contains($0.pathContains) }) else { return nil }
        return injections.remove(at: index).failure
    }
}
