import NIOCore
import NIOSSL
import Synchronization

/// The first failure of a connection, readable outside the event loop: once the channel is closed a
/// request no longer reaches the handler, and the caller still wants the real reason (say, TLS).
final class SMTPFailureRecord: Sendable {
    private let failure = Mutex<MailError?>(nil)

    var value: MailError? { failure.withLock { $0 } }

    /// Keeps the first failure; returns the one in force.
    func record(_ error: MailError) -> MailError {
        failure.withLock { current in
            if current == nil { current = error }
            return current ?? error
        }
    }
}

/// A command to write (or nothing, to wait for the greeting) and the promise of its reply.
struct SMTPRequest: Sendable {
    var bytes: ByteBuffer?
    var reply: EventLoopPromise<SMTPReply>
    var timeout: TimeAmount
}

/// Pairs each ``SMTPRequest`` with the next reply, in order, failing it after its timeout or when the
/// connection errors or closes. Lives on the channel's event loop like every handler.
final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundIn = SMTPRequest
    typealias OutboundOut = ByteBuffer

    private struct Waiter {
        var reply: EventLoopPromise<SMTPReply>
        var timeout: Scheduled<Void>
    }

    private var waiters: CircularBuffer<Waiter> = []
    /// Replies that came before anyone asked (the greeting, usually).
    private var unclaimed: CircularBuffer<SMTPReply> = []
    /// Set once the connection failed; later requests fail with it at once.
    private var failure: MailError?
    private let record: SMTPFailureRecord

    init(record: SMTPFailureRecord) {
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        if waiters.isEmpty {
            unclaimed.append(reply)
        } else {
            let waiter = waiters.removeFirst()
            waiter.timeout.cancel()
            waiter.reply.succeed(reply)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        promise?.succeed()
        if let failure {
            request.reply.fail(failure)
            return
        }
        if request.bytes == nil, !unclaimed.isEmpty {
            request.reply.succeed(unclaimed.removeFirst())
            return
        }
        let loop = context.eventLoop.assumeIsolated()
        let timeout = loop.scheduleTask(in: request.timeout) { [self] in
            let seconds = Double(request.timeout.nanoseconds) / 1e9
            fail(MailError(.timeout, "No SMTP reply within \(seconds) s"), context: context)
        }
        waiters.append(Waiter(reply: request.reply, timeout: timeout))
        if let bytes = request.bytes {
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.assumeIsolated().whenFailure { [self] error in
                fail(Self.mailError(for: error), context: context)
            }
            context.writeAndFlush(wrapOutboundOut(bytes), promise: written)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(Self.mailError(for: error), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(MailError(.connectionFailed, "The SMTP server closed the connection"), context: context)
        context.fireChannelInactive()
    }

    /// Fails every waiter and closes the channel; the first failure wins.
    private func fail(_ error: MailError, context: ChannelHandlerContext) {
        let error = record.record(failure ?? error)
        failure = error
        while let waiter = waiters.popFirst() {
            waiter.timeout.cancel()
            waiter.reply.fail(error)
        }
        context.close(promise: nil)
    }

    static func mailError(for error: any Error) -> MailError {
        switch error {
        case let error as MailError:
            error
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            MailError(.tlsFailed, "TLS with the SMTP server failed", cause: error)
        default:
            MailError(.connectionFailed, "The SMTP connection failed", cause: error)
        }
    }
}
