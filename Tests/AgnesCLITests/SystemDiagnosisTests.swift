import AgnesCLI
import AgnesClient
import Foundation
import Testing

/// `agnes diagnose system --local`'s checks, from files and a clock only (no server).
@Suite struct SystemDiagnosisTests {
    /// A JWT with these claims (unsigned: the CLI never checks signatures).
    static func jwt(_ claims: [String: JSONValue]) throws -> String {
        func encode(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let payload = try JSONEncoder().encode(JSONValue.object(claims))
        return encode(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "." + encode(payload) + ".c2ln"
    }

    static func run(root: URL, token: String?, now: Date) async throws -> SystemDiagnosis {
        let directory = ConfigDirectory(url: root.appendingPathComponent("config"))
        let settings = try ClientSettings.resolve(
            environment: [:], directory: directory, server: "http://127.0.0.1:9", token: token)
        return await SystemDiagnosis.run(
            settings: settings, workspace: Workspace(root: root.appendingPathComponent("workspace")),
            environment: [:], cliVersion: "9.9.9", api: nil, now: now)
    }

    static func check(_ report: SystemDiagnosis, _ name: String) -> HealthCheck? {
        report.checks.first { $0.name == name }
    }

    @Test func anExpiredTokenFailsAndOneExpiringSoonWarns() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let expired = try Self.jwt([
            "sub": .string("u1"), "email": .string("ana@example.com"), "typ": .string("session"),
            "exp": .int(1_999_990_000),
        ])
        let report = try await Self.run(root: root.url, token: expired, now: now)
        #expect(report.local && report.overall == .fail)
        let token = try #require(Self.check(report, "token"))
        #expect(token.status == .fail && token.detail.contains("session token for ana@example.com"))
        #expect(token.detail.contains("expired at 2033-05-18T00:46:40Z"), "\(token.detail)")
        #expect(token.action?.contains("agnes auth login") == true)
        #expect(report.facts.tokenEmail == "ana@example.com" && report.facts.cliVersion == "9.9.9")
        #expect(Self.check(report, "server")?.detail.contains("not contacted: --local") == true)
        #expect(report.lines.last == "overall: fail (local checks only)")

        let soon = try Self.jwt(["typ": .string("pat"), "exp": .int(2_000_000_000 + 3600 * 5)])
        let warned = try await Self.run(root: root.url, token: soon, now: now)
        #expect(Self.check(warned, "token")?.status == .warning)
        #expect(Self.check(warned, "token")?.detail.contains("personal access token") == true)
        #expect(Self.check(warned, "token")?.detail.contains("(in 5 hours)") == true)
        let never = try Self.jwt(["typ": .string("pat")])
        #expect(Self.check(try await Self.run(root: root.url, token: never, now: now), "token")?.status == .ok)
    }

    @Test func withoutATokenTheTokenCheckFails() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let report = try await Self.run(root: root.url, token: nil, now: Date())
        #expect(
            Self.check(report, "token")
                == HealthCheck(
                    name: "token", status: .fail, detail: "no token configured",
                    action: "agnes init --server-url URL, agnes auth login --email E, or set AGNES_TOKEN"))
        #expect(
            report.checks.map(\.name) == [
                "cli", "config", "server", "token", "workspace", "database", "tables", "snapshots", "disk",
            ])
    }

    @Test func aReadableTokenFileInterruptedDownloadsAndAMissingDatabaseAreReported() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let directory = ConfigDirectory(url: root.path("config"))
        try directory.saveToken(
            StoredToken(accessToken: try Self.jwt(["typ": .string("pat")]), email: "bo@example.com"))
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o644], ofItemAtPath: directory.tokenFile.path)
        let parquet = root.path("workspace/server/parquet")
        try FileManager.default.createDirectory(at: parquet, withIntermediateDirectories: true)
        try Data(repeating: 1, count: 2048).write(to: parquet.appendingPathComponent("orders.parquet"))
        try Data("x".utf8).write(to: parquet.appendingPathComponent("big.parquet.part"))
        let report = try await Self.run(root: root.url, token: nil, now: Date())
        let config = try #require(Self.check(report, "config"))
        #expect(config.status == .warning && config.action == "chmod 600 \(directory.tokenFile.path)")
        #expect(Self.check(report, "token")?.status == .ok, "read from token.json")
        let tables = try #require(Self.check(report, "tables"))
        #expect(
            tables.status == .warning && tables.detail == "1 pulled table, 2.0 KB in server/parquet; interrupted: big")
        #expect(Self.check(report, "database")?.action == "agnes pull")
        #expect(report.facts.parquetFiles == 1 && report.facts.partialDownloads == 1 && report.facts.views == nil)
        #expect(report.overall == .warning)
    }
}
