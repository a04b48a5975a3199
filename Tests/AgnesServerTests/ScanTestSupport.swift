import AgnesAuth
import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

extension ServerFixture {
    /// A server whose local source serves `orders` (5 rows), `numbers` (5,000 rows) and `secrets`.
    static func withTables(scan: ScanLimits = ScanLimits(), upload: UploadLimits = UploadLimits()) async throws
        -> ServerFixture
    {
        let fixture = try await ServerFixture(
            settings: { AgnesSettings(dataDir: $0, scan: scan, upload: upload) }, hasher: PasswordHasher(cost: 4))
        let numbers = "n,label\n" + (0..<5000).map { "\($0),number \($0)" }.joined(separator: "\n") + "\n"
        try await fixture.publishLocal([
            "orders.csv": "id,status,amount\n1,paid,10.5\n2,open,99\n3,paid,250\n4,cancelled,0\n5,PAID,42\n",
            "secrets.csv": "secret\ntop\n", "numbers.csv": numbers,
        ])
        return fixture
    }
}

extension TestClientProtocol {
    /// POSTs a JSON body and returns the raw response.
    func post(_ uri: String, as token: String?, body: [String: Any?]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await executeRequest(uri: uri, method: .post, headers: headers, body: JSONRequest.body(body))
    }
}

extension TestResponse {
    /// The body parsed as a JSON object (empty when it is not one).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// The `detail` object of an error body.
    var detailObject: [String: Any] { object["detail"] as? [String: Any] ?? [:] }
}
