import NIOCore

/// An incremental parser of a `multipart/form-data` body (RFC 7578, RFC 2046 §5.1), as a value that is
/// fed bytes and hands back events; reading the request and acting on parts is the caller's business.
///
/// It buffers at most one part-header block (``maximumHeaderBytes``) plus the length of a delimiter, so
/// a part's body of any size streams through in the chunks it arrived in. The preamble and epilogue are
/// discarded.
///
/// ```swift
/// var parser = MultipartParser(boundary: "xyz")
/// parser.append(chunk)
/// while let event = try parser.next() {
///     switch event {
///     case .partBegan(let head): …
///     case .body(let bytes): …
///     case .partEnded: …
///     }
/// }
/// // at the end of the input:
/// guard parser.isComplete else { throw … }
/// ```
struct MultipartParser {
    /// What the bytes fed so far contain, in order.
    enum Event: Equatable {
        /// A part starts; its body follows as zero or more ``body(_:)`` events.
        case partBegan(MultipartPartHead)
        /// The next bytes of the current part's body.
        case body(ByteBuffer)
        /// The current part is complete.
        case partEnded
    }

    private enum State {
        /// Before the first delimiter.
        case preamble
        /// Just after a delimiter: `--` ends the body, CRLF starts a part.
        case afterDelimiter
        /// Reading a part's header block.
        case headers
        /// Inside a part's body.
        case body
        /// After the closing delimiter.
        case epilogue
    }

    /// The largest header block a part may have.
    static let maximumHeaderBytes = 16 * 1024
    /// The longest boundary accepted (RFC 2046 allows 70 characters; some clients send more).
    static let maximumBoundaryLength = 200

    private let delimiter: [UInt8]
    private var state = State.preamble
    private var buffer: ByteBuffer

    /// Creates a parser for the given boundary (the `boundary` parameter of the `Content-Type`).
    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        // A CRLF in front lets the first delimiter match like every later one, even without a preamble.
        buffer = ByteBuffer(bytes: [13, 10])
    }

    /// True once the closing delimiter has been read; bytes after it are ignored.
    var isComplete: Bool { state == .epilogue }

    /// Adds the next bytes of the body.
    mutating func append(_ bytes: ByteBuffer) {
        guard state != .epilogue else { return }
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            buffer.discardReadBytes()
            buffer.writeImmutableBuffer(bytes)
        }
    }

    /// The next event, or nil when more bytes are needed (or the body is complete).
    mutating func next() throws(APIError) -> Event? {
        while true {
            switch state {
            case .preamble:
                guard let offset = buffer.firstOffset(of: delimiter) else {
                    buffer.moveReaderIndex(forwardBy: max(0, buffer.readableBytes - (delimiter.count - 1)))
                    return nil
                }
                buffer.moveReaderIndex(forwardBy: offset + delimiter.count)
                state = .afterDelimiter
            case .afterDelimiter:
                guard try afterDelimiter() else { return nil }
            case .headers:
                return try head()
            case .body:
                return body()
            case .epilogue:
                buffer.clear()
                return nil
            }
        }
    }

    /// Reads what follows a delimiter; false when more bytes are needed.
    private mutating func afterDelimiter() throws(APIError) -> Bool {
        guard buffer.readableBytes >= 2 else { return false }
        if buffer.readableBytesView.starts(with: [45, 45]) {
            state = .epilogue
            return true
        }
        // Transport padding (spaces and tabs) may precede the CRLF.
        guard let crlf = buffer.firstOffset(of: [13, 10]) else {
            if buffer.readableBytes > 1024 { throw MultipartFormReader.malformed("a boundary line is too long") }
            return false
        }
        guard buffer.readableBytesView.prefix(crlf).allSatisfy({ $0 == 32 || $0 == 9 }) else {
            throw MultipartFormReader.malformed("a boundary is followed by unexpected bytes")
        }
        buffer.moveReaderIndex(forwardBy: crlf + 2)
        state = .headers
        return true
    }

    /// The head of the next part, or nil when its header block is not complete yet.
    private mutating func head() throws(APIError) -> Event? {
        let blockLength: Int
        if buffer.readableBytesView.starts(with: [13, 10]) {
            blockLength = 0
        } else if let end = buffer.firstOffset(of: [13, 10, 13, 10]) {
            blockLength = end + 2
        } else {
            guard buffer.readableBytes <= Self.maximumHeaderBytes else {
                throw MultipartFormReader.malformed("a part's headers are too large")
            }
            return nil
        }
        guard blockLength <= Self.maximumHeaderBytes else {
            throw MultipartFormReader.malformed("a part's headers are too large")
        }
        let block = buffer.readString(length: blockLength) ?? ""
        buffer.moveReaderIndex(forwardBy: 2)
        state = .body
        return .partBegan(try MultipartPartHead(parsing: block))
    }

    /// The next body bytes or the part's end; nil when only a possible start of a delimiter is buffered.
    private mutating func body() -> Event? {
        if let offset = buffer.firstOffset(of: delimiter) {
            if offset > 0 { return buffer.readSlice(length: offset).map(Event.body) }
            buffer.moveReaderIndex(forwardBy: delimiter.count)
            state = .afterDelimiter
            return .partEnded
        }
        // The last bytes may be the start of a delimiter split across chunks: hold them back.
        let safe = buffer.readableBytes - (delimiter.count - 1)
        guard safe > 0 else { return nil }
        return buffer.readSlice(length: safe).map(Event.body)
    }
}
