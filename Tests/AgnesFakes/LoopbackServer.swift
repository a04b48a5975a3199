import Foundation
import Hummingbird
import Logging

/// A Hummingbird application on a free port of 127.0.0.1, for fakes of outside services: started by
/// a test, stopped when it is done with it.
public final class LoopbackServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// Serves `router` and returns once it listens.
    public static func start(_ router: Router<BasicRequestContext>, label: String) async -> LoopbackServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        return LoopbackServer(port: await iterator.next() ?? 0, task: task)
    }

    /// `http://127.0.0.1:<port>`.
    public var base: String { "http://127.0.0.1:\(port)" }

    /// Stops listening.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
