import NIOCore

/// One SMTP reply: a three-digit code and its text lines (several for a multi-line reply).
struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    var code: Int
    var lines: [String]

    var isPositive: Bool { (200..<400).contains(code) }

    /// `250 first line | second line`, as quoted in errors and logs.
    var description: String {
        "\(code) \(lines.joined(separator: " | "))"
    }
}

/// Splits the inbound byte stream into ``SMTPReply`` values, joining `250-…` continuation lines
/// (RFC 5321 §4.2.1).
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    /// Longer lines are a broken or hostile server; RFC 5321 allows 512 bytes.
    static let maximumLineLength = 4096

    private var pendingLines: [String] = []
    private var pendingCode: Int?

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength {
                throw MailError(.protocolError, "SMTP reply line is too long")
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") {
            line.removeLast()
        }
        if let reply = try consume(line) {
            context.fireChannelRead(Self.wrapInboundOut(reply))
        }
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// Adds one line; returns the reply once its last line has arrived.
    mutating func consume(_ line: String) throws(MailError) -> SMTPReply? {
        let scalars = Array(line.unicodeScalars)
        guard scalars.count >= 3, let code = Int(String(String.UnicodeScalarView(scalars[0..<3]))),
            (200...599).contains(code) || (100...199).contains(code),
            scalars.count == 3 || scalars[3] == " " || scalars[3] == "-"
        else {
            throw MailError(.protocolError, "Malformed SMTP reply line: \(line.prefix(80).debugDescription)")
        }
        if let pendingCode, pendingCode != code {
            throw MailError(.protocolError, "SMTP multi-line reply changed code from \(pendingCode) to \(code)")
        }
        let text = scalars.count > 4 ? String(String.UnicodeScalarView(scalars[4...])) : ""
        pendingLines.append(text)
        if scalars.count > 3, scalars[3] == "-" {
            pendingCode = code
            return nil
        }
        defer {
            pendingLines = []
            pendingCode = nil
        }
        return SMTPReply(code: code, lines: pendingLines)
    }
}
