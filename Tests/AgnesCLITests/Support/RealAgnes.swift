import Foundation
import Testing

/// Our real server for the binary's tests: `agnes serve` (a subprocess, see ``ServerProcess``) over
/// seeded CSV tables, an admin bootstrapped through the CLI, and a personal access token of that
/// admin for the CLI under test. The fake server (``FakeAgnes``) is only for what this one cannot be
/// made to do: stall, cut a connection, fail with a 5xx, lack a route.
struct RealAgnes {
    /// The admin's email (the PAT's owner).
    static let email = "root@example.com"

    let root: TemporaryDirectory
    let data: URL
    private(set) var server: ServerProcess
    /// The admin's CLI, signed in.
    let admin: CLI
    /// A personal access token of the admin.
    let token: String

    var base: String { server.base }

    /// Seeds `tables` (name → rows) under `root/data`, starts the server and signs the admin in.
    static func start(in root: TemporaryDirectory, tables: [String: Int]) async throws -> RealAgnes {
        let data = root.path("data")
        try RealServerTests.seed(data, tables)
        let server = try await ServerProcess(dataDirectory: data)
        let admin = try await RealServerTests.admin(root.url, server)
        let created = try await admin.run(["auth", "token", "create", "--name", "cli-tests", "--raw"])
        try #require(created.status == 0, "\(created.stderr)")
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return RealAgnes(root: root, data: data, server: server, admin: admin, token: token)
    }

    /// Re-seeds `tables` (a new `variant` changes every row) and restarts the server on them; the
    /// server then listens on a new port (``base``).
    mutating func reseed(_ tables: [String: Int], variant: Int) async throws {
        await server.stop()
        try RealServerTests.seed(data, tables, variant: variant)
        server = try await ServerProcess(dataDirectory: data)
    }

    func stop() async { await server.stop() }
}
