import AgnesFakes
import AgnesTestSupport
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The fake Keboola stack checked over real HTTP, the way a client would use it.
@Suite struct FakeKeboolaTests {
    static let contacts = FakeKeboolaTable(
        id: "in.c-crm.contacts", columns: ["id", "name", "note"], primaryKey: ["id"],
        rows: [
            ["1", "Ada", "says \"hi\""], ["2", "Bořek", "two\nlines"], ["3", "Cy", ""], ["4", "Dee", "a,b"],
            ["5", "Eve", "x"],
        ],
        description: "CRM contacts",
        columnMetadata: [
            "id": [
                FakeKeboolaMetadata("KBC.datatype.basetype", "INTEGER", provider: "storage"),
                FakeKeboolaMetadata("KBC.datatype.length", "38,0", provider: "storage"),
            ],
            "name": [FakeKeboolaMetadata("KBC.description", "Full name")],
        ])

    @Test func wrongOrMissingTokenGetsTheInvalidTokenEnvelope() async throws {
        try await withFake { keboola in
            for token in ["nope", nil] {
                let reply = try await Self.call(keboola, "/v2/storage/tables", token: token)
                #expect(reply.status == 401)
                let body = try Self.object(reply.body)
                #expect(body["error"] as? String == "Invalid access token")
                #expect(body["code"] as? String == "storage.tokenInvalid")
                #expect(body["status"] as? String == "error")
                #expect((body["exceptionId"] as? String)?.hasPrefix("exception-") == true)
            }
            let lowercase = try await Self.call(
                keboola, "/v2/storage/tokens/verify", token: nil, headers: ["x-storageapi-token": keboola.token])
            #expect(lowercase.status == 200)
            let owner = try Self.object(lowercase.body)["owner"] as? [String: Any]
            #expect(owner?["fileStorageProvider"] as? String == "aws")
        }
    }

    @Test func tableListCarriesColumnMetadataAndPHPEmptyMaps() async throws {
        try await withFake { keboola in
            keboola.putTable(Self.contacts)
            keboola.putTable(FakeKeboolaTable(id: "out.c-reports.empty", columns: ["a"]))
            let reply = try await Self.call(keboola, "/v2/storage/tables?include=columns,columnMetadata,buckets")
            #expect(reply.status == 200)
            let tables = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]])
            #expect(tables.map { $0["id"] as? String } == ["in.c-crm.contacts", "out.c-reports.empty"])
            let contacts = tables[0]
            #expect(contacts["columns"] as? [String] == ["id", "name", "note"])
            #expect(contacts["primaryKey"] as? [String] == ["id"])
            #expect(contacts["rowsCount"] as? Int == 5)
            #expect(contacts["lastChangeDate"] as? String == "2026-01-01T00:00:01+0000")
            #expect((contacts["bucket"] as? [String: Any])?["stage"] as? String == "in")
            let metadata = try #require(contacts["columnMetadata"] as? [String: [[String: Any]]])
            let idTypes = Set(metadata["id"]?.map { "\($0["key"]!)=\($0["value"]!)@\($0["provider"]!)" } ?? [])
            #expect(idTypes == ["KBC.datatype.basetype=INTEGER@storage", "KBC.datatype.length=38,0@storage"])
            #expect(metadata["note"] == nil)
            #expect((tables[1]["columnMetadata"] as? [Any])?.isEmpty == true)
            #expect(tables[1]["metadata"] == nil)

            let detail = try Self.object(try await Self.call(keboola, "/v2/storage/tables/in.c-crm.contacts").body)
            let description = (detail["metadata"] as? [[String: Any]])?.first {
                $0["key"] as? String == "KBC.description"
            }
            #expect(description?["value"] as? String == "CRM contacts")
            let missing = try await Self.call(keboola, "/v2/storage/tables/in.c-crm.nothing")
            #expect(missing.status == 404)
            #expect(try Self.object(missing.body)["code"] as? String == "storage.tables.notFound")
        }
    }

    @Test func formExportJobEndsInAManifestOfGzippedSigV4Slices() async throws {
        try await withFake { keboola in
            keboola.putTable(Self.contacts)
            keboola.rowsPerSlice = 2
            let started = try await Self.call(
                keboola, "/v2/storage/tables/in.c-crm.contacts/export-async", method: .POST,
                body: "columns%5B%5D=note&columns[]=id&gzip=1&format=rfc",
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(started.status == 202)
            let job = try Self.object(started.body)
            #expect(job["status"] as? String == "waiting")
            #expect(job["operationName"] as? String == "tableExport")
            #expect(job["startTime"] is NSNull)
            let fileID = try await Self.pollToSuccess(keboola, job: try #require(job["id"] as? Int))

            let file = try Self.object(
                try await Self.call(keboola, "/v2/storage/files/\(fileID)?federationToken=1").body)
            #expect(file["isSliced"] as? Bool == true)
            #expect(file["provider"] as? String == "aws")
            let credentials = try #require(file["credentials"] as? [String: String])
            let s3Path = try #require(file["s3Path"] as? [String: String])
            let manifestURL = try #require(file["url"] as? String)
            let manifest = try await Self.get(manifestURL)
            #expect(manifest.status == 200, "\(String(decoding: manifest.body, as: UTF8.self))")
            let entries = try #require(try Self.object(manifest.body)["entries"] as? [[String: String]])
            #expect(entries.count == 3)

            var csv = Data()
            for entry in entries {
                let url = try #require(entry["url"])
                #expect(url.hasPrefix("s3://\(s3Path["bucket"]!)/\(s3Path["key"]!)") && url.hasSuffix(".gz"))
                let key = url.dropFirst("s3://".count)
                let slice = try await Self.signedGet(
                    keboola.s3Endpoint + "/" + key, credentials, region: file["region"] as! String)
                #expect(slice.status == 200, "\(String(decoding: slice.body, as: UTF8.self))")
                #expect(slice.body.prefix(2) == Data([0x1f, 0x8b]))
                csv += try Self.gunzip(slice.body)
            }
            #expect(
                String(decoding: csv, as: UTF8.self)
                    == "\"says \"\"hi\"\"\",\"1\"\n\"two\nlines\",\"2\"\n\"\",\"3\"\n\"a,b\",\"4\"\n\"x\",\"5\"\n")

            // A wrong signature, or a tampered presigned URL, is refused the S3 way.
            let wrongKey = [
                "AccessKeyId": credentials["AccessKeyId"]!, "SecretAccessKey": "wrong",
                "SessionToken": credentials["SessionToken"]!,
            ]
            let refused = try await Self.signedGet(
                keboola.s3Endpoint + "/" + entries[0]["url"]!.dropFirst("s3://".count), wrongKey, region: "eu-central-1"
            )
            #expect(refused.status == 403)
            #expect(String(decoding: refused.body, as: UTF8.self).contains("<Code>SignatureDoesNotMatch</Code>"))
            let tampered = try await Self.get(
                manifestURL.replacingOccurrences(of: "X-Amz-Signature=", with: "X-Amz-Signature=0"))
            #expect(tampered.status == 403)
        }
    }

    @Test func changedSinceReturnsOnlyRowsWrittenSince() async throws {
        try await withFake { keboola in
            keboola.putTable(Self.contacts)
            let since = Int(keboola.now.timeIntervalSince1970) + 1
            keboola.upsert(tableID: "in.c-crm.contacts", rows: [["2", "Bob", "renamed"], ["6", "Fay", "new"]])
            keboola.delete(tableID: "in.c-crm.contacts", keys: [["3"]])
            let started = try await Self.call(
                keboola, "/v2/storage/tables/in.c-crm.contacts/export-async", method: .POST,
                body: #"{"changedSince": "\#(since)", "columns": ["id", "name"]}"#,
                headers: ["Content-Type": "application/json"])
            #expect(started.status == 202)
            let fileID = try await Self.pollToSuccess(
                keboola, job: try #require(try Self.object(started.body)["id"] as? Int))
            let csv = try await Self.exportedCSV(keboola, fileID: fileID)
            #expect(csv == "\"2\",\"Bob\"\n\"6\",\"Fay\"\n")

            // The same window as ISO 8601 in a form body, with the original's where-filter encoding.
            let filtered = try await Self.call(
                keboola, "/v2/storage/tables/in.c-crm.contacts/export-async", method: .POST,
                body: "changedSince=2026-01-01T00%3A00%3A02%2B0000&whereFilters[0][column]=name"
                    + "&whereFilters[0][operator]=ne&whereFilters[0][values][0]=Fay&columns=id",
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(filtered.status == 202, "\(String(decoding: filtered.body, as: UTF8.self))")
            let filteredID = try await Self.pollToSuccess(
                keboola, job: try #require(try Self.object(filtered.body)["id"] as? Int))
            #expect(try await Self.exportedCSV(keboola, fileID: filteredID) == "\"2\"\n")

            let table = try Self.object(try await Self.call(keboola, "/v2/storage/tables/in.c-crm.contacts").body)
            #expect(table["rowsCount"] as? Int == 5)
            #expect(table["lastImportDate"] as? String == "2026-01-01T00:00:02+0000")
            #expect(table["lastChangeDate"] as? String == "2026-01-01T00:00:03+0000")

            let unknown = try await Self.call(
                keboola, "/v2/storage/tables/in.c-crm.contacts/export-async", method: .POST, body: "columns=id,nope",
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(unknown.status == 400)
            #expect(try Self.object(unknown.body)["code"] as? String == "storage.tables.validation")
        }
    }

    @Test func injected429CarriesRetryAfterOnce() async throws {
        try await withFake { keboola in
            keboola.inject(.status(429, retryAfter: 7), pathContains: "/v2/storage/buckets")
            let limited = try await Self.call(keboola, "/v2/storage/buckets")
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "retry-after") == "7")
            #expect(try Self.object(limited.body)["status"] as? String == "error")
            #expect(try await Self.call(keboola, "/v2/storage/buckets").status == 200)

            keboola.inject(.maintenance(retryAfter: 30), pathContains: "/tables")
            let maintenance = try await Self.call(keboola, "/v2/storage/tables")
            #expect(maintenance.status == 503)
            #expect(maintenance.headers.first(name: "retry-after") == "30")
            #expect(try Self.object(maintenance.body)["status"] as? String == "maintenance")
            #expect(keboola.requests.map(\.path).filter { $0.hasPrefix("/v2/storage/") }.count == 3)
        }
    }

    @Test(arguments: [FakeKeboola.Provider.gcp, .azure])
    func gcsAndAzureServeSlicesWithTheirCredentials(provider: FakeKeboola.Provider) async throws {
        try await withFake(provider: provider) { keboola in
            keboola.putTable(Self.contacts)
            let started = try await Self.call(
                keboola, "/v2/storage/tables/in.c-crm.contacts/export-async", method: .POST, body: "{}",
                headers: ["Content-Type": "application/json"])
            let fileID = try await Self.pollToSuccess(
                keboola, job: try #require(try Self.object(started.body)["id"] as? Int))
            let file = try Self.object(
                try await Self.call(keboola, "/v2/storage/files/\(fileID)?federationToken=1").body)
            let entries = try #require(
                try Self.object(try await Self.get(file["url"] as! String).body)["entries"] as? [[String: String]])
            var csv = ""
            for entry in entries.compactMap({ $0["url"] }) {
                let reply: Reply
                if provider == .gcp {
                    let token = try #require((file["gcsCredentials"] as? [String: Any])?["access_token"] as? String)
                    let path = entry.dropFirst("gs://".count).split(separator: "/", maxSplits: 1)
                    let key = path[1].addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                    let url = "\(keboola.gcsEndpoint)/storage/v1/b/\(path[0])/o/\(key)?alt=media"
                    #expect(try await Self.get(url).status == 401)
                    reply = try await Self.get(url, headers: ["Authorization": "Bearer \(token)"])
                } else {
                    let connection = try #require(
                        (file["absCredentials"] as? [String: Any])?["SASConnectionString"] as? String)
                    let parts = Dictionary(
                        connection.split(separator: ";").map {
                            let pair = $0.split(separator: "=", maxSplits: 1)
                            return (String(pair[0]), String(pair[1]))
                        }
                    ) { first, _ in first }
                    let blob = entry.dropFirst("azure://\(FakeKeboola.azureAccount).blob.core.windows.net/".count)
                    #expect(try await Self.get("\(parts["BlobEndpoint"]!)/\(blob)").status == 403)
                    reply = try await Self.get("\(parts["BlobEndpoint"]!)/\(blob)?\(parts["SharedAccessSignature"]!)")
                }
                #expect(reply.status == 200)
                csv += String(decoding: reply.body, as: UTF8.self)
            }
            #expect(csv.split(separator: "\n").count == 6)  // five records, one holding a newline
        }
    }

    @Test func droppedConnectionEndsTheSliceEarly() async throws {
        try await withFake { keboola in
            keboola.putTable(Self.contacts)
            keboola.rowsPerSlice = 10
            let started = try await Self.call(
                keboola, "/v2/storage/tables/in.c-crm.contacts/export-async", method: .POST, body: "")
            let fileID = try await Self.pollToSuccess(
                keboola, job: try #require(try Self.object(started.body)["id"] as? Int))
            let file = try Self.object(
                try await Self.call(keboola, "/v2/storage/files/\(fileID)?federationToken=1").body)
            let credentials = try #require(file["credentials"] as? [String: String])
            let entry = try #require(
                (try Self.object(try await Self.get(file["url"] as! String).body)["entries"] as? [[String: String]])?
                    .first?["url"])
            keboola.inject(.dropMidBody, pathContains: "_part_00")
            var request = HTTPClientRequest(url: keboola.s3Endpoint + "/" + entry.dropFirst(5))
            for (name, value) in try Self.signedHeaders(request.url, credentials, region: "eu-central-1") {
                request.headers.add(name: name, value: value)
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let announced = try #require(response.headers.first(name: "content-length").flatMap { Int($0) })
            var received = 0
            var isCut = false
            do {
                for try await chunk in response.body { received += chunk.readableBytes }
            } catch {
                isCut = true
            }
            #expect(isCut)
            #expect(received > 0 && received < announced, "\(received) of \(announced) bytes")
            let whole = try await Self.signedGet(
                keboola.s3Endpoint + "/" + entry.dropFirst(5), credentials, region: "eu-central-1")
            #expect(whole.status == 200)
            keboola.inject(.expiredCredentials, pathContains: "_part_00")
            let expired = try await Self.signedGet(
                keboola.s3Endpoint + "/" + entry.dropFirst(5), credentials, region: "eu-central-1")
            #expect(expired.status == 400)
            #expect(String(decoding: expired.body, as: UTF8.self).contains("<Code>ExpiredToken</Code>"))
        }
    }

    @Test func fileBackedTableServesItsSliceFilesAsTheyAreAndHonoursRange() async throws {
        let directory = try temporaryDirectory("fake-keboola")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("part-0.csv")
        let zipped = directory.appendingPathComponent("part-1.csv.gz")
        try Data("\"1\",\"a\"\n\"2\",\"b\"\n".utf8).write(to: plain)
        try Data([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]).write(to: zipped)
        try await withFake { keboola in
            keboola.putFileBackedTable(
                id: "in.c-bench.big", columns: ["id", "v"], primaryKey: ["id"],
                columnMetadata: ["id": ["KBC.datatype.basetype": "INTEGER"]], sliceFiles: [plain, zipped],
                rowsCount: 5_000_000)
            let table = try Self.object(try await Self.call(keboola, "/v2/storage/tables/in.c-bench.big").body)
            #expect(table["rowsCount"] as? Int == 5_000_000)
            let started = try await Self.call(
                keboola, "/v2/storage/tables/in.c-bench.big/export-async", method: .POST, body: "gzip=1")
            let fileID = try await Self.pollToSuccess(
                keboola, job: try #require(try Self.object(started.body)["id"] as? Int))
            let file = try Self.object(
                try await Self.call(keboola, "/v2/storage/files/\(fileID)?federationToken=1").body)
            let credentials = try #require(file["credentials"] as? [String: String])
            let entries = try #require(
                try Self.object(try await Self.get(file["url"] as! String).body)["entries"] as? [[String: String]])
            let urls = entries.compactMap { $0["url"] }
            #expect(urls.count == 2 && urls[0].hasSuffix("0000_part_00") && urls[1].hasSuffix("0001_part_00.gz"))
            let first = try await Self.signedGet(
                keboola.s3Endpoint + "/" + urls[0].dropFirst(5), credentials, region: "eu-central-1")
            #expect(first.body == (try Data(contentsOf: plain)))
            let second = try await Self.signedGet(
                keboola.s3Endpoint + "/" + urls[1].dropFirst(5), credentials, region: "eu-central-1")
            #expect(second.body == (try Data(contentsOf: zipped)))
            let ranged = try await Self.signedGet(
                keboola.s3Endpoint + "/" + urls[0].dropFirst(5), credentials, region: "eu-central-1", range: "bytes=8-")
            #expect(ranged.status == 206)
            #expect(String(decoding: ranged.body, as: UTF8.self) == "\"2\",\"b\"\n")
            #expect(ranged.headers.first(name: "content-range") == "bytes 8-15/16")
        }
    }

    @Test func jobErrorEndsTheJobInError() async throws {
        try await withFake { keboola in
            keboola.putTable(Self.contacts)
            keboola.inject(.jobError(message: "Snowflake went away"), pathContains: "export-async")
            let started = try await Self.call(
                keboola, "/v2/storage/tables/in.c-crm.contacts/export-async", method: .POST)
            let id = try #require(try Self.object(started.body)["id"] as? Int)
            var job: [String: Any] = [:]
            for _ in 0..<5 where job["status"] as? String != "error" {
                job = try Self.object(try await Self.call(keboola, "/v2/storage/jobs/\(id)").body)
            }
            #expect(job["status"] as? String == "error")
            #expect((job["error"] as? [String: Any])?["message"] as? String == "Snowflake went away")
        }
    }

    /// AWS's published SigV4 example for S3 "GET Object" (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
    @Test func verifierAndTestSignerMatchAWSPublishedGetObjectExample() throws {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        var headers: [(name: String, value: String)] = [
            ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"), ("x-amz-content-sha256", emptyHash),
            ("x-amz-date", "20130524T000000Z"),
        ]
        let authorization = TestSigner.authorization(
            method: "GET", path: "/test.txt", headers: headers, accessKeyID: "AKIAIOSFODNN7EXAMPLE", secret: secret,
            region: "us-east-1", payloadHash: emptyHash)
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
        headers.append(("Authorization", authorization))
        let verifier = SigV4Verifier(
            region: "us-east-1",
            credentials: [SigV4Credential(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret)])
        #expect(
            try verifier.verify(method: "GET", path: "/test.txt", query: nil, headers: headers)
                == "AKIAIOSFODNN7EXAMPLE")

        var tampered = headers
        tampered[1] = ("Range", "bytes=0-10")
        let rejection = #expect(throws: SigV4Rejection.self) {
            try verifier.verify(method: "GET", path: "/test.txt", query: nil, headers: tampered)
        }
        #expect(rejection?.code == "SignatureDoesNotMatch" && rejection?.status == 403)
    }
}

/// The test's own SigV4 signer (header form), written apart from the fake's verifier.
enum TestSigner {
    static func authorization(
        method: String, path: String, headers: [(name: String, value: String)], accessKeyID: String, secret: String,
        region: String, payloadHash: String
    ) -> String {
        let sorted = headers.map { ($0.name.lowercased(), $0.value.trimmingCharacters(in: .whitespaces)) }
            .sorted { $0.0 < $1.0 }
        let signedHeaders = sorted.map(\.0).joined(separator: ";")
        let amzDate = sorted.first { $0.0 == "x-amz-date" }!.1
        let day = String(amzDate.prefix(8))
        let canonical = [
            method, path, "", sorted.map { "\($0.0):\($0.1)\n" }.joined(), signedHeaders, payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/s3/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, hex(SHA256.hash(data: Data(canonical.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [day, region, "s3", "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        return
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
