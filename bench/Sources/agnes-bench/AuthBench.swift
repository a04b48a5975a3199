import AgnesAuth
import AgnesCore
import AgnesServer
import AgnesStore
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// `agnes-bench auth DIR [REQUESTS]`: the cost of authentication on a real listening server.
///
/// Sends REQUESTS keep-alive GETs per round (rounds interleaved) to `/api/version` (no auth: the
/// floor) and to `/auth/me` with a session JWT and with a PAT (JWT verify + user lookup + Admin check,
/// plus the PAT row check), and prints the median µs per request of each and the difference. Also
/// times `Authenticator.authenticate` and `JWTSigner.verify` in-process.
enum AuthBench {
    static func run(_ arguments: [String]) async throws {
        guard let directory = arguments.first else { throw BenchUsage("auth <data-dir> [requests]") }
        let requests = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let services = try await AgnesServices.open(
            settings: AgnesSettings(dataDir: directory, isAuthRateLimitEnabled: false), logger: logger,
            passwordHasher: PasswordHasher(cost: 4))
        let users = DuckDBUserRepository(store: services.store)
        let user = try await users.create(User(id: UUID().uuidString.lowercased(), email: "bench@example.com"))
        let session = services.auth.issuer.session(for: user)
        let pat = try await services.auth.issuer.personalAccessToken(
            for: user, name: "bench", lifetime: 3600, scope: "general")

        let port = PortBox()
        let application = AgnesServer.application(services: services, host: "127.0.0.1", port: 0) { port.set($0) }
        let server = Task { try await application.runService() }
        defer { server.cancel() }
        let base = try await port.wait()

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        func get(_ path: String, token: String?) async throws {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(base)\(path)")
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            let response = try await client.execute(request, timeout: .seconds(10))
            guard response.status == .ok else { throw BenchFailure("\(path) answered \(response.status)") }
            _ = try await response.body.collect(upTo: 1 << 20)
        }
        let cases: [(String, String, String?)] = [
            ("GET /api/version (no auth, floor)", "/api/version", nil),
            ("GET /auth/me with a session JWT", "/auth/me", session),
            ("GET /auth/me with a PAT", "/auth/me", pat.token),
        ]
        for (_, path, token) in cases { for _ in 0..<200 { try await get(path, token: token) } }
        var samples = Array(repeating: [Double](), count: cases.count)
        let rounds = 5
        for _ in 0..<rounds {
            for (index, (_, path, token)) in cases.enumerated() {
                let start = ContinuousClock.now
                for _ in 0..<requests { try await get(path, token: token) }
                samples[index].append((ContinuousClock.now - start).microseconds / Double(requests))
            }
        }
        let medians = samples.map { $0.sorted()[$0.count / 2] }
        print("HTTP, \(requests) sequential keep-alive requests x \(rounds) rounds, median µs per request:")
        for (index, (label, _, _)) in cases.enumerated() {
            let extra = index == 0 ? "" : String(format: "   (+%.0f µs over the floor)", medians[index] - medians[0])
            print(
                "  " + label.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + String(format: " %8.0f µs", medians[index]) + extra)
        }

        let inProcess = 5000
        var start = ContinuousClock.now
        for _ in 0..<inProcess {
            _ = try await services.auth.authenticator.authenticate(bearer: session, cookie: nil, clientIP: "127.0.0.1")
        }
        let authenticate = (ContinuousClock.now - start).microseconds / Double(inProcess)
        let signer = try JWTSigner(secret: Array(repeating: 7, count: 64))
        let token = TokenIssuer(signer: signer, store: services.store).session(for: user)
        start = ContinuousClock.now
        for _ in 0..<inProcess { _ = try signer.verify(token, now: Date()) }
        let verify = (ContinuousClock.now - start).microseconds / Double(inProcess)
        print("In process, \(inProcess) calls:")
        print(String(format: "  Authenticator.authenticate (session)    %8.1f µs", authenticate))
        print(String(format: "  JWTSigner.verify (HS256 only, floor)    %8.1f µs", verify))
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The port the server reports once it listens.
final class PortBox: Sendable {
    private let stream: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Int.self)
    }

    func set(_ port: Int) { continuation.yield(port) }

    func wait() async throws -> Int {
        for await port in stream { return port }
        throw BenchFailure("the server did not start")
    }
}

extension Duration {
    var microseconds: Double {
        Double(components.seconds) * 1e6 + Double(components.attoseconds) / 1e12
    }
}
