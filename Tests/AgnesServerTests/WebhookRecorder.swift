import Foundation
import Hummingbird
import Logging
import Synchronization

/// An HTTP endpoint on 127.0.0.1 that records the JSON bodies POSTed to `/hook` and answers 204, as a
/// chat or incident webhook does.
final class WebhookRecorder: Sendable {
    private let received = Mutex<[Data]>([])
    private let server = Mutex<Task<Void, any Error>?>(nil)
    private let port = Mutex(0)

    /// Starts the endpoint and waits until it listens.
    static func start() async throws -> WebhookRecorder {
        let recorder = WebhookRecorder()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let data = Data(body.readableBytesView)
            recorder.received.withLock { $0.append(data) }
            return Response(status: .noContent)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "webhook")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        recorder.server.withLock { $0 = Task { try await app.runService() } }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        recorder.port.withLock { $0 = port }
        return recorder
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port.withLock { $0 })/hook")! }

    /// Every body received so far.
    var bodies: [[String: Any]] {
        received.withLock { $0 }.map { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] ?? [:] }
    }

    /// Stops listening.
    func stop() async throws {
        let task = server.withLock { $0 }
        task?.cancel()
        _ = await task?.result
    }
}
