import AgnesFakes
import AgnesCore
import AgnesServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A fake of the two Storage API calls the configure check makes, on 127.0.0.1: `GET
/// /v2/storage/tokens/verify` and `GET /v2/storage/buckets`, authenticated by the `X-StorageApi-Token`
/// header; the token's detail and a JSON array of buckets for the right token, Keboola's error envelope
/// (`{"error", "code", "status": "error"}`) with 401 for any other, and a redirect for `redirect-me`.
final class FakeKeboolaBuckets: Sendable {
    static let token = "123-abcdefgh-good"

    /// Runs `body` with the fake's base URL while it serves.
    static func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        for (path, answer) in [
            ("/v2/storage/tokens/verify", #"{"id":"44","description":"test","owner":{"id":"58","name":"Acme"}}"#),
            ("/v2/storage/buckets", #"[{"id":"in.c-sales","name":"c-sales","stage":"in"}]"#),
        ] {
            router.get(RouterPath(path)) { request, _ -> Response in
                let given = request.headers[HTTPField.Name("X-StorageApi-Token")!]
                // A stack that redirects: a client following it would be sent somewhere unchecked.
                if given == "redirect-me" {
                    if request.uri.query?.contains("followed") == true {
                        return Response(status: .ok, body: .init(byteBuffer: .init(string: answer)))
                    }
                    return Response(status: .found, headers: [.location: "\(path)?followed=1"])
                }
                guard given == token else {
                    return Response(
                        status: .unauthorized, headers: [.contentType: "application/json"],
                        body: .init(
                            byteBuffer: .init(string: #"{"error":"Invalid access token","code":"storage.tokenInvalid","status":"error"}"#)))
                }
                return Response(
                    status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: answer)))
            }
        }
        let server = await LoopbackServer.start(router, label: "fake-keboola")
        do {
            try await body(server.base)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

@Suite struct ConfigureRoutesTests {
    static func fixture(allowing hosts: [String] = ["127.0.0.1"]) async throws -> ServerFixture {
        try await ServerFixture(settings: { AgnesSettings(dataDir: $0, outboundAllowedHosts: hosts) })
    }

    @Test func keboolaIsCheckedThenWrittenWithItsTokenOutOfTheYAML() async throws {
        let fixture = try await Self.fixture()
        let root = try await fixture.admin()
        try await FakeKeboolaBuckets.run { base in
            try await fixture.application.test(.router) { client in
                let reply = try await client.call(
                    .post, "/api/admin/configure", as: root.token,
                    body: [
                        "data_source": "keboola", "keboola_token": FakeKeboolaBuckets.token, "keboola_url": base + "/",
                        "instance_name": "Acme Data",
                    ])
                #expect(reply.status == .ok, "\(reply.object)")
                #expect(reply.object["connection"] as? String == "verified")
                #expect(reply.object["data_source"] as? String == "keboola")
            }
            let settings = try ConfigLoader.load(
                environment: ["DATA_DIR": fixture.root.path, "CONFIG_DIR": fixture.root.appendingPathComponent("none").path],
                logger: Logger(label: "test"))
            #expect(settings.dataSourceType == .keboola)
            #expect(settings.instance["data_source.keboola.stack_url"]?.stringValue == base)
            #expect(settings.instance["data_source.keboola.token_env"]?.stringValue == "KEBOOLA_STORAGE_TOKEN")
            #expect(settings.instanceName == "Acme Data")
            #expect(settings.environment["KEBOOLA_STORAGE_TOKEN"] == FakeKeboolaBuckets.token)
            let yaml = try String(contentsOf: fixture.root.appendingPathComponent("state/instance.yaml"), encoding: .utf8)
            #expect(!yaml.contains(FakeKeboolaBuckets.token))
            let envFile = fixture.root.appendingPathComponent("state/.env_overlay")
            let mode = try FileManager.default.attributesOfItem(atPath: envFile.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        let audit = try #require(try await fixture.auditLog().first { $0.action == "configure" })
        #expect(audit.params?["keboola_token"] == "***")
    }

    @Test func aRefusedTokenOrAnInnerURLWritesNothing() async throws {
        let fixture = try await Self.fixture()
        let strict = try await Self.fixture(allowing: [])
        let root = try await fixture.admin()
        let strictRoot = try await strict.admin()
        try await FakeKeboolaBuckets.run { base in
            try await fixture.application.test(.router) { client in
                let refused = try await client.call(
                    .post, "/api/admin/configure", as: root.token,
                    body: ["data_source": "keboola", "keboola_token": "wrong", "keboola_url": base])
                #expect(refused.status == .badRequest)
                #expect(
                    refused.detail
                        == "Keboola connection failed: Keboola rejected the Storage API token (Invalid access token (storage.tokenInvalid)): check KEBOOLA_STORAGE_TOKEN and the stack URL")
                let redirected = try await client.call(
                    .post, "/api/admin/configure", as: root.token,
                    body: ["data_source": "keboola", "keboola_token": "redirect-me", "keboola_url": base])
                #expect(redirected.status == .badRequest, "a redirect is not followed")
                #expect(redirected.detail == "Keboola connection failed: GET /v2/storage/tokens/verify: Keboola answered HTTP 302")
            }
            try await strict.application.test(.router) { client in
                let inner = try await client.call(
                    .post, "/api/admin/configure", as: strictRoot.token,
                    body: ["data_source": "keboola", "keboola_token": FakeKeboolaBuckets.token, "keboola_url": base])
                #expect(inner.status == .badRequest)
                #expect(inner.detail?.hasPrefix("keboola_url: its host 127.0.0.1 resolves to an inner address") == true)
            }
        }
        for fixture in [fixture, strict] {
            #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("state/instance.yaml").path))
            #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("state/.env_overlay").path))
        }
    }

    @Test(arguments: [
        (#"{}"#, "data_source: must be one of keboola, bigquery, local"),
        (#"{"data_source": "oracle"}"#, "data_source: must be one of keboola, bigquery, local"),
        (#"{"data_source": "keboola", "keboola_url": "https://connection.keboola.com"}"#, "keboola_token: field required"),
        (#"{"data_source": "keboola", "keboola_token": "t"}"#, "keboola_url: field required"),
        (#"{"data_source": "bigquery"}"#, "bigquery_project: field required"),
        (#"{"data_source": "bigquery", "bigquery_project": "Bad_Project"}"#, "bigquery_project: 'Bad_Project' is not a Google Cloud project id"),
        (#"{"data_source": "local", "instance_name": "a\nb"}"#, "instance_name: at most 2048 characters, no control characters"),
    ])
    func aMissingOrBadFieldIsA422NamingIt(_ json: String, _ detail: String) async throws {
        let fixture = try await Self.fixture()
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/api/admin/configure", method: .post,
                headers: [.authorization: "Bearer \(root.token)", .contentType: "application/json"],
                body: .init(string: json))
            #expect(response.status == .unprocessableContent)
            #expect(response.object["detail"] as? String == detail)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("state/instance.yaml").path))
    }

    @Test func bigQueryAndLocalNeedNoConnectionAndOnlyAdminsConfigure() async throws {
        let fixture = try await Self.fixture()
        let root = try await fixture.admin()
        let ana = try await fixture.analyst("ana@example.com", tables: [])
        try await fixture.application.test(.router) { client in
            let bigquery = try await client.call(
                .post, "/api/admin/configure", as: root.token,
                body: ["data_source": "bigquery", "bigquery_project": "acme-analytics"])
            #expect(bigquery.status == .ok && bigquery.object["connection"] as? String == "local")
            let local = try await client.call(.post, "/api/admin/configure", as: root.token, body: ["data_source": "local"])
            #expect(local.status == .ok)
            let refused = try await client.call(.post, "/api/admin/configure", as: ana, body: ["data_source": "local"])
            #expect(refused.status == .forbidden)
        }
        let settings = try ConfigLoader.load(
            environment: ["DATA_DIR": fixture.root.path, "CONFIG_DIR": fixture.root.appendingPathComponent("none").path],
            logger: Logger(label: "test"))
        #expect(settings.dataSourceType == .local)
        #expect(settings.instance["data_source.bigquery"] == nil, "the old source's block is replaced, not merged")
    }
}
