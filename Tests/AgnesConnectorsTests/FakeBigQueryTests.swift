import AgnesFakes
import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing
import _CryptoExtras

/// The fake BigQuery checked over real HTTP, the way a client of the real service would use it.
@Suite struct FakeBigQueryTests {
    // MARK: - Authentication

    @Test func aCorrectlySignedAssertionGetsATokenTheAPIAccepts() async throws {
        try await withFake { bigQuery in
            let keyFile = try #require(
                try JSONSerialization.jsonObject(with: Data(bigQuery.serviceAccountKeyJSON().utf8)) as? [String: String]
            )
            #expect(keyFile["type"] == "service_account")
            #expect(keyFile["token_uri"] == bigQuery.tokenURI)
            let assertion = try Self.assertion(
                keyPEM: try #require(keyFile["private_key"]), keyID: keyFile["private_key_id"],
                claims: Self.claims(issuer: try #require(keyFile["client_email"]), audience: bigQuery.tokenURI))
            let reply = try await Self.exchange(assertion, at: bigQuery.tokenURI)
            #expect(reply.status == 200)
            let token = try reply.object()
            #expect(token["token_type"] as? String == "Bearer")
            #expect(token["expires_in"] as? Int == 3599)
            let accessToken = try #require(token["access_token"] as? String)
            #expect(accessToken.hasPrefix("ya29."))
            #expect(bigQuery.tokensIssued == 1)
            #expect(try await Self.api(bigQuery, "proj/datasets", token: accessToken).status == 200)
        }
    }

    @Test func aBadAssertionIsRefusedAsInvalidGrant() async throws {
        try await withFake { bigQuery in
            let keyFile = try #require(
                try JSONSerialization.jsonObject(with: Data(bigQuery.serviceAccountKeyJSON().utf8)) as? [String: String]
            )
            let email = try #require(keyFile["client_email"])
            let otherKey = try _RSA.Signing.PrivateKey(keySize: .bits2048).pkcs8PEMRepresentation
            let cases: [(key: String, claims: [String: Any], description: String)] = [
                (otherKey, Self.claims(issuer: email, audience: bigQuery.tokenURI), "Invalid JWT Signature."),
                (
                    keyFile["private_key"]!, Self.claims(issuer: email, audience: "https://example.com/token"),
                    "Invalid JWT: Failed audience check."
                ),
                (
                    keyFile["private_key"]!,
                    Self.claims(issuer: "stranger@x.iam.gserviceaccount.com", audience: bigQuery.tokenURI),
                    "Invalid grant: account not found"
                ),
            ]
            for (key, claims, description) in cases {
                let reply = try await Self.exchange(
                    try Self.assertion(keyPEM: key, keyID: nil, claims: claims), at: bigQuery.tokenURI)
                #expect(reply.status == 400)
                #expect(try reply.object()["error"] as? String == "invalid_grant")
                #expect(try reply.object()["error_description"] as? String == description)
            }
            let tooLong = try await Self.exchange(
                try Self.assertion(
                    keyPEM: keyFile["private_key"]!, keyID: nil,
                    claims: Self.claims(issuer: email, audience: bigQuery.tokenURI, lifetime: 7200)),
                at: bigQuery.tokenURI)
            #expect(tooLong.status == 400)
            #expect(try tooLong.object()["error"] as? String == "invalid_grant")
            #expect(bigQuery.tokensIssued == 0)
        }
    }

    @Test func theMetadataServerWantsItsHeader() async throws {
        try await withFake { bigQuery in
            let url = "http://\(bigQuery.metadataHost)/computeMetadata/v1/instance/service-accounts/default/token"
            let refused = try await Self.call(url)
            #expect(refused.status == 403)
            #expect(refused.headers["Metadata-Flavor"] == ["Google"])
            let reply = try await Self.call(url, headers: ["Metadata-Flavor": "Google"])
            #expect(reply.status == 200)
            #expect(reply.headers["Metadata-Flavor"] == ["Google"])
            let token = try reply.object()
            #expect(token["token_type"] as? String == "Bearer")
            #expect(token["expires_in"] as? Int == 3599)
            #expect(bigQuery.metadataTokensIssued == 1)
            #expect(bigQuery.tokensIssued == 0)
            let accessToken = try #require(token["access_token"] as? String)
            #expect(try await Self.api(bigQuery, "proj/datasets", token: accessToken).status == 200)
            let project = try await Self.call(
                "http://\(bigQuery.metadataHost)/computeMetadata/v1/project/project-id",
                headers: ["Metadata-Flavor": "Google"])
            #expect(String(decoding: project.body, as: UTF8.self) == "proj")
        }
    }

    @Test func aMissingUnknownOrExpiredBearerIs401() async throws {
        try await withFake { bigQuery in
            let missing = try await Self.api(bigQuery, "proj/datasets", token: .some(nil))
            #expect(missing.status == 401)
            #expect(try missing.error()["status"] as? String == "UNAUTHENTICATED")
            #expect(try missing.reason() == "required")
            #expect(missing.headers["WWW-Authenticate"].first?.hasPrefix("Bearer") == true)
            let unknown = try await Self.api(bigQuery, "proj/datasets", token: "ya29.nope")
            #expect(unknown.status == 401)
            #expect(try unknown.reason() == "authError")
            let token = bigQuery.accessToken()
            #expect(try await Self.api(bigQuery, "proj/datasets", token: token).status == 200)
            bigQuery.expireTokens()
            let expired = try await Self.api(bigQuery, "proj/datasets", token: token)
            #expect(expired.status == 401)
            #expect(try expired.reason() == "authError")
        }
    }

    // MARK: - Errors and failures

    @Test func anUnknownTableIsTheNotFoundEnvelope() async throws {
        try await withFake { bigQuery in
            bigQuery.putTable(project: "proj", dataset: "ds", table: "t", fields: [.init("a", .int64)], rows: [])
            let reply = try await Self.query(bigQuery, "SELECT a FROM `proj.ds.nope`")
            #expect(reply.status == 404)
            let error = try reply.error()
            #expect(error["code"] as? Int == 404)
            #expect(error["status"] as? String == "NOT_FOUND")
            #expect(error["message"] as? String == "Not found: Table proj:ds.nope was not found in location US")
            let proto = try #require((error["errors"] as? [[String: Any]])?.first)
            #expect(proto["reason"] as? String == "notFound")
            #expect(proto["domain"] as? String == "global")
        }
    }

    @Test func aSyntaxErrorIsTheInvalidQueryEnvelope() async throws {
        try await withFake { bigQuery in
            let reply = try await Self.query(bigQuery, "SELEC 1")
            #expect(reply.status == 400)
            let error = try reply.error()
            #expect(error["status"] as? String == "INVALID_ARGUMENT")
            #expect((error["message"] as? String)?.contains("syntax error") == true)
            let proto = try #require((error["errors"] as? [[String: Any]])?.first)
            #expect(proto["reason"] as? String == "invalidQuery")
            #expect(proto["location"] as? String == "q")
            #expect(proto["locationType"] as? String == "parameter")
            let unqualified = try await Self.query(bigQuery, "SELECT 1 FROM t")
            #expect(unqualified.status == 400)
            #expect(
                try unqualified.error()["message"] as? String
                    == "Table \"t\" must be qualified with a dataset (e.g. dataset.table).")
            let legacy = try await Self.query(bigQuery, "SELECT 1", extra: ["useLegacySql": true])
            #expect(try legacy.reason() == "invalidQuery")
        }
    }

    @Test(arguments: [(429, "RESOURCE_EXHAUSTED"), (403, "PERMISSION_DENIED")])
    func anInjectedRateLimitCarriesRetryAfter(status: Int, googleStatus: String) async throws {
        try await withFake { bigQuery in
            bigQuery.inject(.status(status, reason: "rateLimitExceeded", retryAfter: 7), pathContains: "/queries")
            let limited = try await Self.query(bigQuery, "SELECT 1 AS x")
            #expect(limited.status == status)
            #expect(limited.headers["Retry-After"] == ["7"])
            #expect(try limited.reason() == "rateLimitExceeded")
            #expect(try limited.error()["status"] as? String == googleStatus)
            #expect(try await Self.query(bigQuery, "SELECT 1 AS x").status == 200)
        }
    }

    @Test func anInjected503IsABackendErrorAndADroppedBodyFailsTheRead() async throws {
        try await withFake { bigQuery in
            bigQuery.inject(.status(503), pathContains: "/datasets")
            let unavailable = try await Self.api(bigQuery, "proj/datasets")
            #expect(unavailable.status == 503)
            #expect(try unavailable.reason() == "backendError")
            bigQuery.inject(.dropMidBody, pathContains: "/queries")
            await #expect(throws: (any Error).self) { try await Self.query(bigQuery, "SELECT 1 AS x") }
            #expect(try await Self.query(bigQuery, "SELECT 1 AS x").status == 200)
        }
    }

    @Test func requestsAreRecorded() async throws {
        try await withFake { bigQuery in
            _ = try await Self.api(bigQuery, "proj/datasets?maxResults=5")
            let request = try #require(bigQuery.requests.last)
            #expect(request.method == "GET")
            #expect(request.path == "/bigquery/v2/projects/proj/datasets")
            #expect(request.queryItems == ["maxResults": "5"])
            #expect(request.headers["authorization"]?.hasPrefix("Bearer ya29.") == true)
            bigQuery.clearRequests()
            #expect(bigQuery.requests.isEmpty)
        }
    }
}
