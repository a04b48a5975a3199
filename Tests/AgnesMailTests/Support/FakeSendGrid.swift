import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A fake of SendGrid's `POST /v3/mail/send` on 127.0.0.1: checks the bearer key, records the JSON body
/// and answers 202, or 401 with SendGrid's error JSON for any other key.
final class FakeSendGrid: Sendable {
    static let apiKey = "SG.test-key"

    private let bodies = Mutex<[Data]>([])

    /// The JSON bodies accepted so far.
    var received: [Data] { bodies.withLock { $0 } }

    /// Runs `body` with the server's base URL, shutting the server down afterwards.
    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/v3/mail/send") { [self] request, _ -> Response in
            guard request.headers[.authorization] == "Bearer \(Self.apiKey)" else {
                let error =
                    #"{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null,"help":null}]}"#
                return Response(
                    status: .unauthorized,
                    headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: error))
                )
            }
            let buffer = try await request.body.collect(upTo: 1 << 20)
            bodies.withLock { $0.append(Data(buffer.readableBytesView)) }
            return Response(status: .accepted)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            // Cancelling the server at the end of a test logs errors that mean nothing here.
            logger: { () -> Logger in
                var logger = Logger(label: "fake-sendgrid")
                logger.logLevel = .critical
                return logger
            }()
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            do {
                try await body("http://127.0.0.1:\(port)")
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }
}
