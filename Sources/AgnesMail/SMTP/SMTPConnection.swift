import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP session over a NIO channel: send a command, await its reply; upgrade to TLS in place.
///
/// Used by one task at a time, so it needs no locking of its own.
struct SMTPConnection {
    let channel: any Channel
    let timeout: TimeAmount
    let failure: SMTPFailureRecord

    /// Connects, adding TLS first when `tls` is given (implicit TLS).
    static func connect(
        host: String,
        port: Int,
        tls: (context: NIOSSLContext, serverHostname: String?)?,
        timeout: TimeAmount,
        group: any EventLoopGroup
    ) async throws(MailError) -> SMTPConnection {
        let failure = SMTPFailureRecord()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if let tls {
                        try operations.addHandler(
                            NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
                        )
                    }
                    try operations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    try operations.addHandler(SMTPClientHandler(record: failure))
                }
            }
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            return SMTPConnection(channel: channel, timeout: timeout, failure: failure)
        } catch ChannelError.connectTimeout {
            throw MailError(.timeout, "Connecting to the SMTP server \(host):\(port) timed out")
        } catch {
            throw MailError(.connectionFailed, "Cannot connect to the SMTP server \(host):\(port)", cause: error)
        }
    }

    /// Waits for the next reply without sending anything (the greeting).
    func receive() async throws(MailError) -> SMTPReply {
        try await exchange(nil)
    }

    /// Sends `line` followed by CRLF and returns the reply.
    func send(_ line: String) async throws(MailError) -> SMTPReply {
        try await exchange(channel.allocator.buffer(string: line + "\r\n"))
    }

    /// Sends raw bytes (the DATA payload) and returns the reply.
    func send(bytes: ByteBuffer) async throws(MailError) -> SMTPReply {
        try await exchange(bytes)
    }

    private func exchange(_ bytes: ByteBuffer?) async throws(MailError) -> SMTPReply {
        let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
        // A closed channel drops the write before the handler sees it: fail the reply here then
        // (a second completion of the promise is a no-op).
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { promise.fail($0) }
        channel.writeAndFlush(SMTPRequest(bytes: bytes, reply: promise, timeout: timeout), promise: written)
        do {
            return try await promise.futureResult.get()
        } catch {
            throw failure.value ?? SMTPClientHandler.mailError(for: error)
        }
    }

    /// Puts a TLS client handler in front of everything else, so the next command is encrypted.
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws(MailError) {
        let channel = self.channel
        do {
            try await channel.eventLoop.submit {
                let handler = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            throw failure.value ?? SMTPClientHandler.mailError(for: error)
        }
    }

    /// Says `QUIT` politely, then closes whatever the answer.
    func quit() async {
        _ = try? await send("QUIT")
        await close()
    }

    func close() async {
        try? await channel.close()
    }
}
