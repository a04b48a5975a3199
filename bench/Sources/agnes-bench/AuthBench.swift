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
///
/// Then the anonymous routes whose timing could tell which addresses have accounts: sign-in
/// (`/auth/token`, real bcrypt cost), the three "mail me a link" routes and the setup-token check, each
/// for an address with an account and one without, interleaved request by request, with the median of
/// each and their difference. Work a route leaves for after its answer is let finish between requests
/// (untimed), so the figure is what the answer waits for.
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
            passwordHasher: PasswordHasher())
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
        try await enumeration(services: services, port: base, requests: max(requests / 10, 50))
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Known vs unknown address on the routes an attacker times; see the type's comment.
    static func enumeration(services: AgnesServices, port: Int, requests: Int) async throws {
        let users = DuckDBUserRepository(store: services.store)
        let hash = try await services.auth.hasher.hash("correct horse battery")  // the server's own cost
        _ = try await users.create(User(id: UUID().uuidString.lowercased(), email: "known@example.com", passwordHash: hash))
        _ = try await users.create(User(id: UUID().uuidString.lowercased(), email: "invited@example.com"))
        let form = "application/x-www-form-urlencoded"
        let json = "application/json"
        // (label, known request, unknown request, expected status, requests per case)
        let cases: [(String, [UInt8], [UInt8], Int, Int)] = [
            (
                "POST /auth/token (bcrypt, wrong password)",
                RawHTTPLoad.post(path: "/auth/token", contentType: json, body: #"{"email":"known@example.com","password":"wrong"}"#),
                RawHTTPLoad.post(path: "/auth/token", contentType: json, body: #"{"email":"nobody@example.com","password":"wrong"}"#),
                401, 10
            ),
            (
                "POST /auth/password/reset",
                RawHTTPLoad.post(path: "/auth/password/reset", contentType: form, body: "email=known%40example.com"),
                RawHTTPLoad.post(path: "/auth/password/reset", contentType: form, body: "email=nobody%40example.com"),
                200, requests
            ),
            (
                "POST /auth/email/send-link",
                RawHTTPLoad.post(path: "/auth/email/send-link", contentType: json, body: #"{"email":"known@example.com"}"#),
                RawHTTPLoad.post(path: "/auth/email/send-link", contentType: json, body: #"{"email":"nobody@example.com"}"#),
                200, requests
            ),
            (
                "POST /auth/password/setup/request",
                RawHTTPLoad.post(path: "/auth/password/setup/request", contentType: form, body: "email=invited%40example.com"),
                RawHTTPLoad.post(path: "/auth/password/setup/request", contentType: form, body: "email=nobody%40example.com"),
                200, requests
            ),
            (
                "POST /auth/password/setup (wrong token)",
                RawHTTPLoad.post(
                    path: "/auth/password/setup", contentType: json,
                    body: #"{"email":"invited@example.com","token":"guess","password":"password123"}"#),
                RawHTTPLoad.post(
                    path: "/auth/password/setup", contentType: json,
                    body: #"{"email":"nobody@example.com","token":"guess","password":"password123"}"#),
                400, requests
            ),
        ]
        print("Known vs unknown address, sequential keep-alive requests interleaved one by one, median µs:")
        for (label, known, unknown, status, count) in cases {
            let knownLoad = try RawHTTPLoad(port: port, clients: 1, request: known, expectedStatus: status)
            let unknownLoad = try RawHTTPLoad(port: port, clients: 1, request: unknown, expectedStatus: status)
            defer {
                knownLoad.close()
                unknownLoad.close()
            }
            var knownSamples: [Double] = []
            var unknownSamples: [Double] = []
            for index in 0..<(count + count / 10) {
                let knownFirst = index % 2 == 0
                for load in knownFirst ? [knownLoad, unknownLoad] : [unknownLoad, knownLoad] {
                    let sample = try await load.run(requests: 1)[0] * 1e6
                    await settle(services)
                    guard index >= count / 10 else { continue }  // the first tenth warms up
                    if load === knownLoad { knownSamples.append(sample) } else { unknownSamples.append(sample) }
                }
            }
            let knownMedian = knownSamples.sorted()[knownSamples.count / 2]
            let unknownMedian = unknownSamples.sorted()[unknownSamples.count / 2]
            print(
                "  " + label.padding(toLength: 42, withPad: " ", startingAt: 0)
                    + String(
                        format: " known %9.0f   unknown %9.0f   difference %+7.0f µs (%d each)", knownMedian,
                        unknownMedian, knownMedian - unknownMedian, knownSamples.count))
        }
    }

    /// Lets the work a route left for after its answer finish, so it does not slow the next request.
    static func settle(_ services: AgnesServices) async {
        await services.background.idle()
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
