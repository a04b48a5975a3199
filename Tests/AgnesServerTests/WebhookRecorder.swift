import AgnesFakes
import Foundation
import Hummingbird
import Logging
import Synchronization

/// An HTTP endpoint on 127.0.0.1 that records the JSON bodies POSTed to `/hook` and answers 204, as a
/// chat or incident webhook does.
final class WebhookRecorder: Sendable {
    private let received = Mutex<[Data]>([])
    private let server = Mutex<LoopbackServer?>(nil)

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
        let server = await LoopbackServer.start(router, label: "webhook")
        recorder.server.withLock { $0 = server }
        return recorder
    }

    var url: URL { URL(string: "\(server.withLock { $0 }?.base ?? "")/hook")! }

    /// Every body received so far.
    var bodies: [[String: Any]] {
        received.withLock { $0 }.map { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] ?? [:] }
    }

    /// Stops listening.
    func stop() async throws {
        await server.withLock { $0 }?.stop()
    }
}
