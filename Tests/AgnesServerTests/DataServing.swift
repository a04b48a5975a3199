import AgnesCore
import AgnesData
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

extension ServerFixture {
    /// Writes files (name → contents) into the local source, then syncs, registers and rebuilds as
    /// `agnes serve` does on start.
    func publishLocal(_ files: [String: String]) async throws {
        let directory = services.layout.localSourceDirectory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, contents) in files {
            try contents.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        _ = try await ServerBootstrap.run(services: services, demo: false)
    }

    /// A user in a fresh group granted `tables`; returns the user's session token.
    func analyst(_ email: String, tables: [String]) async throws -> String {
        let id = try await user(email)
        let groups = DuckDBGroupRepository(store: services.store)
        let group = try await groups.create(name: "readers-\(email)", description: nil, createdBy: nil)
        try await groups.addMember(userID: id, groupID: group.id, source: .admin, addedBy: nil)
        let grants = DuckDBGrantRepository(store: services.store)
        for table in tables { _ = try await grants.grant(groupID: group.id, type: .table, resourceID: table, by: nil) }
        return try await session(id)
    }
}

extension TestClientProtocol {
    /// Sends a GET or HEAD with a bearer token and extra headers; returns the raw response.
    func raw(_ method: HTTPRequest.Method = .get, _ uri: String, as token: String?, headers extra: HTTPFields = [:])
        async throws -> TestResponse
    {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: nil)
    }
}

extension TestResponse {
    /// The body's bytes.
    var bytes: [UInt8] { Array(body.readableBytesView) }
}
