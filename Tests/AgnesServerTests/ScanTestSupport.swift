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
    static func withTables(scan: ScanLimits = ScanLimits()) async throws -> ServerFixture {
        let fixture = try await ServerFixture(
            settings: { AgnesSettings(dataDir: $0, scan: scan) }, hasher: PasswordHasher(cost: 4))
        let local = fixture.root.appendingPathComponent("sources/local")
        try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
        try "id,status,amount\n1,paid,10.5\n2,open,99\n3,paid,250\n4,cancelled,0\n5,PAID,42\n".write(
            to: local.appendingPathComponent("orders.csv"), atomically: true, encoding: .utf8)
        try "secret\ntop\n".write(to: local.appendingPathComponent("secrets.csv"), atomically: true, encoding: .utf8)
        let numbers = "n,label\n" + (0..<5000).map { "\($0),number \($0)" }.joined(separator: "\n") + "\n"
        try numbers.write(to: local.appendingPathComponent("numbers.csv"), atomically: true, encoding: .utf8)
        _ = try await ServerBootstrap.run(services: fixture.services, demo: false)
        return fixture
    }

    /// A non-admin in a group granted `tables`; returns a session token.
    func analyst(_ email: String, granted tables: [String]) async throws -> String {
        let id = try await user(email)
        let groups = DuckDBGroupRepository(store: services.store)
        let group = try await groups.create(name: "group of \(email)", description: nil, createdBy: nil)
        try await groups.addMember(userID: id, groupID: group.id, source: .admin, addedBy: nil)
        for table in tables {
            _ = try await DuckDBGrantRepository(store: services.store).grant(
                groupID: group.id, type: .table, resourceID: table, by: nil)
        }
        return try await session(id)
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

    var bytes: [UInt8] { Array(body.readableBytesView) }
}
