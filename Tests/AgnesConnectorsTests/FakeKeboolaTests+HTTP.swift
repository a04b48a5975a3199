import AgnesFakes
import AgnesTestSupport
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// HTTP helpers of ``FakeKeboolaTests``: plain and SigV4-signed requests, job polling, gunzip.
extension FakeKeboolaTests {
    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: Data
    }

    func withFake(provider: FakeKeboola.Provider = .aws, _ body: (FakeKeboola) async throws -> Void) async throws {
        let keboola = await FakeKeboola.start(provider: provider)
        do {
            try await body(keboola)
        } catch {
            await keboola.stop()
            throw error
        }
        await keboola.stop()
    }

    static func call(
        _ keboola: FakeKeboola, _ path: String, method: HTTPMethod = .GET, token: String?? = .none, body: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        var all = headers
        switch token {
        case .none: all["X-StorageApi-Token"] = keboola.token
        case .some(let given?): all["X-StorageApi-Token"] = given
        case .some(nil): break
        }
        return try await get(keboola.stackURL + path, method: method, body: body, headers: all)
    }

    static func get(_ url: String, method: HTTPMethod = .GET, body: String? = nil, headers: [String: String] = [:])
        async throws -> Reply
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
    }

    /// A SigV4-signed GET with federation credentials, as an S3 client sends it.
    static func signedGet(_ url: String, _ credentials: [String: String], region: String, range: String? = nil)
        async throws -> Reply
    {
        try await get(url, headers: try signedHeaders(url, credentials, region: region, range: range))
    }

    /// The headers of a SigV4-signed GET of `url`, `Host` left to the HTTP client.
    static func signedHeaders(_ url: String, _ credentials: [String: String], region: String, range: String? = nil)
        throws -> [String: String]
    {
        let components = try #require(URLComponents(string: url))
        let host = "\(components.host!):\(components.port!)"
        let amzDate = Date().formatted(Date.ISO8601FormatStyle(dateSeparator: .omitted, timeSeparator: .omitted))
        var headers: [(name: String, value: String)] = [
            ("host", host), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), ("x-amz-date", amzDate),
            ("x-amz-security-token", credentials["SessionToken"]!),
        ]
        if let range { headers.append(("range", range)) }
        let authorization = TestSigner.authorization(
            method: "GET", path: components.percentEncodedPath, headers: headers,
            accessKeyID: credentials["AccessKeyId"]!, secret: credentials["SecretAccessKey"]!, region: region,
            payloadHash: "UNSIGNED-PAYLOAD")
        var sent = Dictionary(headers.dropFirst().map { ($0.name, $0.value) }) { first, _ in first }
        sent["Authorization"] = authorization
        return sent
    }

    static func pollToSuccess(_ keboola: FakeKeboola, job id: Int) async throws -> Int {
        var statuses: [String] = []
        for _ in 0..<10 {
            let job = try object(try await call(keboola, "/v2/storage/jobs/\(id)").body)
            statuses.append(job["status"] as? String ?? "?")
            if statuses.last == "success" {
                #expect(statuses == ["processing", "success"])
                #expect(job["endTime"] as? String != nil)
                let results = try #require(job["results"] as? [String: Any])
                #expect(results["cacheHit"] as? Bool == false)
                return try #require((results["file"] as? [String: Any])?["id"] as? Int)
            }
        }
        throw TestFailure("job \(id) never succeeded: \(statuses)")
    }

    /// The concatenated slices of an AWS export.
    static func exportedCSV(_ keboola: FakeKeboola, fileID: Int) async throws -> String {
        let file = try object(try await call(keboola, "/v2/storage/files/\(fileID)?federationToken=1").body)
        let credentials = try #require(file["credentials"] as? [String: String])
        let entries = try #require(
            try object(try await get(file["url"] as! String).body)["entries"] as? [[String: String]])
        var csv = ""
        for entry in entries.compactMap({ $0["url"] }) {
            let slice = try await signedGet(
                keboola.s3Endpoint + "/" + entry.dropFirst("s3://".count), credentials, region: "eu-central-1")
            csv += String(decoding: slice.body, as: UTF8.self)
        }
        return csv
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Decodes with the `gzip` program: another implementation of RFC 1952 than the fake's zlib.
    static func gunzip(_ data: Data) throws -> Data {
        let result = try TestProcess.run("/usr/bin/gzip", ["-dc"], input: data)
        guard result.status == 0 else { throw TestFailure("gzip -d: \(result.standardError)") }
        return result.standardOutput
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
