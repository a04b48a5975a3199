import AgnesCore
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Keeps sockets from holding the server: a cap on open connections, a deadline for the first
/// request's header, and a close after every 413 so an oversized body is never read on.
///
/// Sits in each connection's pipeline right after HTTP decoding (Hummingbird's
/// `additionalChannelHandlers`); silence between requests and while a body is awaited is Hummingbird's
/// idle timeout, set from the same ``HTTPLimits``.
///
/// - Over `maxConnections`, a new connection is answered 503 `{"detail":"Too many open connections"}`
///   and closed.
/// - A connection whose first request header is not complete within `headerTimeoutSeconds` (a client
///   that sent part of a request and then nothing) is answered 408 and closed.
/// - A 413 response, and any response sent before its request's body has been read to the end (a 401
///   or 404 for an upload, say), goes out with `Connection: close` and the connection is closed after
///   it: the rest of such a body is never read on (Hummingbird would otherwise drain it, however long).
///
/// Closing is "lingering", as web servers do it: the answer goes out followed by the end of our half of
/// the stream, and what the client is still sending is discarded — for at most 2 s and 1 MiB — before
/// the socket closes. Closing at once with unread bytes would make the kernel send a reset, and the
/// client could lose the answer that says why.
///
/// ```swift
/// let connections = ConnectionGuard.Counter()
/// HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionGuard(limits: limits, counter: connections)])
/// ```
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Open connections of one server, shared by the handlers of all its connections.
    final class Counter: Sendable {
        private let count = Atomic<Int>(0)
        /// Connections currently open.
        var current: Int { count.load(ordering: .relaxed) }
        func open() -> Int { count.wrappingAdd(1, ordering: .relaxed).newValue }
        func close() { count.wrappingSubtract(1, ordering: .relaxed) }
    }

    private let limits: HTTPLimits
    private let counter: Counter
    private var isCounted = false
    private var hasSeenHead = false
    private var isRequestComplete = true
    private var closesAfterResponse = false
    private var isLingering = false
    private var discardedBytes = 0
    private var headerDeadline: Scheduled<Void>?
    private var lingerDeadline: Scheduled<Void>?

    /// How long, and how much, a closing connection's further input is read and thrown away.
    static let lingerTime = TimeAmount.seconds(2)
    static let lingerBytes = 1 << 20

    init(limits: HTTPLimits, counter: Counter) {
        self.limits = limits
        self.counter = counter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { opened(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        opened(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // What a lingering client still sends is discarded, including what does not parse.
        if isLingering { return }
        context.fireErrorCaught(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isLingering else {
            if case .body(let bytes) = unwrapInboundIn(data) { discardedBytes += bytes.readableBytes }
            if discardedBytes > Self.lingerBytes { context.close(promise: nil) }
            return
        }
        switch unwrapInboundIn(data) {
        case .head:
            isRequestComplete = false
            if !hasSeenHead {
                hasSeenHead = true
                headerDeadline?.cancel()
                headerDeadline = nil
            }
        case .body: break
        case .end: isRequestComplete = true
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // While lingering the input is ours to drain: ask for more whether or not the request
        // handler (which no longer sees it) wants any.
        if isLingering { context.read() } else { context.fireChannelReadComplete() }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status == .contentTooLarge || !isRequestComplete:
            closesAfterResponse = true
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where closesAfterResponse:
            context.writeAndFlush(data, promise: promise)
            linger(context)
        default:
            context.write(data, promise: promise)
        }
    }

    private func opened(_ context: ChannelHandlerContext) {
        guard !isCounted else { return }
        isCounted = true
        if counter.open() > limits.maxConnections {
            // A refused connection does not hold a place while it lingers.
            counter.close()
            isCounted = false
            refuse(context, status: .serviceUnavailable, detail: "Too many open connections")
            return
        }
        let loop = context.eventLoop.assumeIsolated()
        headerDeadline = loop.scheduleTask(in: .seconds(Int64(limits.headerTimeoutSeconds))) { [self] in
            headerDeadline = nil
            guard !hasSeenHead, context.channel.isActive else { return }
            refuse(context, status: .requestTimeout, detail: "Request header not received in time")
        }
    }

    private func closed() {
        headerDeadline?.cancel()
        headerDeadline = nil
        lingerDeadline?.cancel()
        lingerDeadline = nil
        if isCounted {
            isCounted = false
            counter.close()
        }
    }

    /// Answers `status` with a JSON detail and closes; written below the request decoder, so it goes
    /// out even when no request was read.
    private func refuse(_ context: ChannelHandlerContext, status: HTTPResponse.Status, detail: String) {
        var body = context.channel.allocator.buffer(capacity: detail.utf8.count + 14)
        body.writeString(#"{"detail":"\#(detail)"}"#)
        let head = HTTPResponse(
            status: status,
            headerFields: [
                .contentType: "application/json", .contentLength: "\(body.readableBytes)", .connection: "close",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        linger(context)
    }

    /// Ends our half of the stream now, discards further input, and closes within ``lingerTime``.
    private func linger(_ context: ChannelHandlerContext) {
        guard !isLingering else { return }
        isLingering = true
        context.close(mode: .output, promise: nil)
        context.read()
        lingerDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: Self.lingerTime) {
            context.close(promise: nil)
        }
    }
}
