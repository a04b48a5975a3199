import Foundation
import Testing

@testable import AgnesConnectors

@Suite struct AWSSigV4Tests {
    /// AWS's published example "GET Object" (Amazon S3 API Reference, "Signature Calculations for the
    /// Authorization Header: Transferring Payload in a Single Chunk", example 1).
    @Test func matchesAWSPublishedGetObjectExample() throws {
        let signer = AWSSigV4(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil, region: "us-east-1")
        let date = try #require(ISO8601DateFormatter().date(from: "2013-05-24T00:00:00Z"))
        let headers = signer.headers(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", query: [],
            extraHeaders: ["range": "bytes=0-9"], date: date)
        let authorization = try #require(headers.first { $0.0 == "authorization" }?.1)
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
        #expect(headers.contains { $0 == ("x-amz-date", "20130524T000000Z") })
    }

    @Test func signsTheSessionTokenOfTemporaryCredentials() throws {
        let signer = AWSSigV4(accessKeyID: "ASIA", secretAccessKey: "secret", sessionToken: "token+/=", region: "eu-central-1")
        let headers = signer.headers(method: "GET", host: "b.s3.amazonaws.com", path: "/k", query: [], date: Date(timeIntervalSince1970: 0))
        #expect(headers.contains { $0 == ("x-amz-security-token", "token+/=") })
        let authorization = try #require(headers.first { $0.0 == "authorization" }?.1)
        #expect(authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"))
    }

    @Test func encodesEachPathSegmentOnceAndKeepsSlashes() {
        #expect(AWSSigV4.canonicalPath("/exp-2/578/in.c-main/a b+c.csv0000_part_00") == "/exp-2/578/in.c-main/a%20b%2Bc.csv0000_part_00")
        #expect(AWSSigV4.canonicalQuery([("b", "2"), ("a", "x y")]) == "a=x%20y&b=2")
    }
}
