import AgnesAuth
import AgnesCore
import AgnesServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Sockets cannot hold the server: half-sent requests and silent connections are closed, the number of
/// connections is capped, and an oversized body is answered 413 and never read on. Each test speaks
/// raw HTTP over a real socket, as the attack did.
@Suite struct ConnectionLimitTests {
    /// A timeout is 1 s where a test waits for it, and a minute elsewhere, so that a busy machine never
    /// closes a connection a test still uses, and no other deadline can stand in for the one tested.
    static func fixture(header: Int = 60, idle: Int = 60, maxConnections: Int = 64) async throws -> ServerFixture {
        try await ServerFixture(settings: {
            AgnesSettings(
                dataDir: $0,
                http: HTTPLimits(headerTimeoutSeconds: header, idleTimeoutSeconds: idle, maxConnections: maxConnections),
                isAuthRateLimitEnabled: false)
        })
    }

    @Test func aHalfSentRequestIsAnswered408AndClosed() async throws {
        let fixture = try await Self.fixture(header: 1)
        try await fixture.application.test(.live) { client in
            let socket = try RawSocket(port: try #require(client.port))
            socket.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            let response = try await socket.response()
            #expect(response.status == 408)
            #expect(response.headers["connection"] == "close")
            #expect(try await socket.closedByServer())
            #expect(await socket.refusesFurtherBytes())
        }
    }

    @Test func aSilentKeepAliveConnectionIsClosed() async throws {
        let fixture = try await Self.fixture(idle: 1)
        try await fixture.application.test(.live) { client in
            let socket = try RawSocket(port: try #require(client.port))
            socket.request("GET", "/api/version", headers: ["Host: localhost"])
            #expect(try await socket.response().status == 200)
            #expect(try await socket.closedByServer())
        }
    }

    @Test func connectionsPastTheCapAreRefusedAndTheCapFreesUp() async throws {
        let fixture = try await Self.fixture(maxConnections: 3)
        try await fixture.application.test(.live) { client in
            let port = try #require(client.port)
            // `client` holds one connection of its own once used; three raw ones fill the cap.
            var open: [RawSocket] = []
            for _ in 0..<3 {
                let socket = try RawSocket(port: port)
                socket.request("GET", "/api/version", headers: ["Host: localhost"])
                let status = try await socket.response().status
                if status == 503 { break }
                #expect(status == 200)
                open.append(socket)
            }
            let refused = try RawSocket(port: port)
            refused.request("GET", "/api/version", headers: ["Host: localhost"])
            let answer = try await refused.response()
            #expect(answer.status == 503)
            #expect(ServerFixture.detail(.init(string: answer.body)) == "Too many open connections")
            #expect(try await refused.closedByServer())

            // A connection that ended frees its place.
            #expect(open.count >= 2)
            let closing = open[open.count - 1]
            closing.request("GET", "/api/version", headers: ["Host: localhost", "Connection: close"])
            #expect(try await closing.response().status == 200)
            #expect(try await closing.closedByServer())
            closing.close()
            var status = 0
            for _ in 0..<200 where status != 200 {
                let socket = try RawSocket(port: port)
                socket.request("GET", "/api/version", headers: ["Host: localhost", "Connection: close"])
                status = try await socket.response().status
                if status != 200 { await Task.yield() }
            }
            #expect(status == 200)
        }
    }

    /// Sends an admin's `POST /api/query` head with `framing` (a `Content-Length` or chunked).
    static func queryHead(_ fixture: ServerFixture, port: Int, framing: String) async throws -> RawSocket {
        let token = try await fixture.session(try await fixture.user("root@example.com", admin: true))
        let socket = try RawSocket(port: port)
        socket.send(
            "POST /api/query HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/json\r\n\(framing)\r\n\r\n")
        return socket
    }

    @Test func aHugeDeclaredBodyIsAnswered413AtOnceAndClosed() async throws {
        let fixture = try await Self.fixture()
        try await fixture.application.test(.live) { client in
            let socket = try await Self.queryHead(
                fixture, port: try #require(client.port), framing: "Content-Length: 100000000000")
            let response = try await socket.response()
            #expect(response.status == 413)
            #expect(ServerFixture.detail(.init(string: response.body)) == "Request body too large (at most 2097152 bytes)")
            #expect(response.headers["connection"] == "close")
            #expect(try await socket.closedByServer())
            #expect(await socket.refusesFurtherBytes())
        }
    }

    @Test func aNeverEndingChunkedBodyIsCutAfterThe413() async throws {
        let fixture = try await Self.fixture()
        try await fixture.application.test(.live) { client in
            let socket = try await Self.queryHead(
                fixture, port: try #require(client.port), framing: "Transfer-Encoding: chunked")
            let chunk = "10000\r\n" + String(repeating: "x", count: 0x10000) + "\r\n"
            var sent = 0
            // 2.25 MiB, past the 2 MiB limit (no final chunk: the body never ends).
            while sent < 36, socket.send(chunk) { sent += 1 }
            let response = try await socket.response()
            #expect(response.status == 413)
            #expect(response.headers["connection"] == "close")
            // The server reads no further: the connection ends while the client would go on sending.
            #expect(try await socket.closedByServer())
            #expect(await socket.refusesFurtherBytes())
        }
    }

    /// An answer given before the body was read (here 401: no credentials) closes the connection too,
    /// instead of reading the rest of an endless body.
    @Test func anEarlyAnswerToAnEndlessBodyClosesTheConnection() async throws {
        let fixture = try await Self.fixture()
        try await fixture.application.test(.live) { client in
            let socket = try RawSocket(port: try #require(client.port))
            socket.send(
                "POST /api/upload/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + "100\r\n" + String(repeating: "y", count: 256) + "\r\n")
            let response = try await socket.response()
            #expect(response.status == 401)
            #expect(response.headers["connection"] == "close")
            #expect(try await socket.closedByServer())
            #expect(await socket.refusesFurtherBytes())
        }
    }
}
