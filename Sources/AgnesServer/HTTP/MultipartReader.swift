import Foundation
import Hummingbird
import NIOCore

/// Reads a `multipart/form-data` body (RFC 7578) as it streams in: text fields are kept in memory
/// (small), file parts are written to temporary files, so an upload never sits in memory whole.
///
/// ```swift
/// let form = try await MultipartReader(contentType: request.headers[.contentType], directory: tmp)
///     .read(request.body, maxBytes: 512 << 20)
/// defer { form.removeFiles() }
/// ```
struct MultipartReader {
    /// A file part, written to `file`.
    struct FilePart: Sendable {
        let field: String
        let filename: String
        let contentType: String?
        let file: URL
        let size: Int
    }

    /// Everything the form held.
    struct Form: Sendable {
        var fields: [String: String] = [:]
        var files: [FilePart] = []

        /// Deletes the temporary files.
        func removeFiles() {
            for part in files { try? FileManager.default.removeItem(at: part.file) }
        }
    }

    /// Why a body was refused.
    enum Failure: Error, Equatable {
        case notMultipart
        case malformed(String)
        case tooLarge
    }

    let delimiter: [UInt8]
    let directory: URL
    /// Largest text field kept.
    var maxFieldBytes = 64 * 1024

    /// Reads the boundary from a `multipart/form-data; boundary=…` content type.
    init(contentType: String?, directory: URL) throws(Failure) {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { throw .notMultipart }
        var boundary: String?
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                boundary = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        guard let boundary, (1...70).contains(boundary.utf8.count) else { throw .malformed("no multipart boundary") }
        self.delimiter = Array("\r\n--\(boundary)".utf8)
        self.directory = directory
    }

    /// Reads the whole body; more than `maxBytes` in total throws ``Failure/tooLarge``.
    func read<Body: AsyncSequence>(_ body: Body, maxBytes: Int) async throws -> Form
    where Body.Element == ByteBuffer {
        var parser = Parser(delimiter: delimiter, maxFieldBytes: maxFieldBytes, directory: directory)
        var total = 0
        do {
            for try await buffer in body {
                total += buffer.readableBytes
                guard total <= maxBytes else { throw Failure.tooLarge }
                try await parser.feed(Array(buffer.readableBytesView))
            }
            return try await parser.finish()
        } catch {
            await parser.discard()
            throw error
        }
    }

    /// The state machine: bytes in, parts out. The body is read as if it began with CRLF, so the
    /// first boundary looks like every other delimiter.
    struct Parser {
        enum Stage { case preamble, afterDelimiter, headers, content, done }

        let delimiter: [UInt8]
        let maxFieldBytes: Int
        let directory: URL
        var pending: [UInt8] = Array("\r\n".utf8)
        var stage = Stage.preamble
        var form = Form()
        var current: (name: String, filename: String?, contentType: String?)?
        var fieldBytes: [UInt8] = []
        var output: FileOutput?

        init(delimiter: [UInt8], maxFieldBytes: Int, directory: URL) {
            self.delimiter = delimiter
            self.maxFieldBytes = maxFieldBytes
            self.directory = directory
        }

        mutating func feed(_ bytes: [UInt8]) async throws {
            pending += bytes
            while try await step() {}
        }

        mutating func finish() async throws -> Form {
            guard stage == .done else { throw Failure.malformed("the body ends before the closing boundary") }
            return form
        }

        mutating func discard() async {
            await output?.close()
            if let output { try? FileManager.default.removeItem(at: output.file) }
            form.removeFiles()
        }

        /// Makes one step of progress; false when more bytes are needed.
        private mutating func step() async throws -> Bool {
            switch stage {
            case .done:
                pending.removeAll()
                return false
            case .preamble:
                let (found, keep) = boundary()
                guard let found else {
                    pending.removeFirst(keep)
                    return false
                }
                pending.removeFirst(found + delimiter.count)
                stage = .afterDelimiter
                return true
            case .afterDelimiter:
                guard pending.count >= 2 else { return false }
                if pending[0] == UInt8(ascii: "-"), pending[1] == UInt8(ascii: "-") {
                    stage = .done
                    return true
                }
                guard pending[0] == 0x0D, pending[1] == 0x0A else { throw Failure.malformed("bad boundary line") }
                pending.removeFirst(2)
                stage = .headers
                return true
            case .headers:
                guard let end = find(Array("\r\n\r\n".utf8), in: pending) else {
                    guard pending.count <= 16 * 1024 else { throw Failure.malformed("part headers too long") }
                    return false
                }
                let text = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeFirst(end + 4)
                try startPart(headers: text)
                stage = .content
                return true
            case .content:
                let (found, keep) = boundary()
                guard let found else {
                    try await consume(Array(pending[..<keep]))
                    pending.removeFirst(keep)
                    return false
                }
                try await consume(Array(pending[..<found]))
                pending.removeFirst(found + delimiter.count)
                try await endPart()
                stage = .afterDelimiter
                return true
            }
        }

        /// The index of the next delimiter that really is one (followed by `--` or CRLF: the boundary
        /// text inside content, as in `--b-not-a-boundary`, is not), and how many bytes before it can
        /// safely be consumed when none is found yet.
        private func boundary() -> (found: Int?, keep: Int) {
            var from = 0
            while let index = find(delimiter, in: pending, from: from) {
                let after = index + delimiter.count
                guard pending.count >= after + 2 else { return (nil, index) }
                let (first, second) = (pending[after], pending[after + 1])
                if (first == 0x2D && second == 0x2D) || (first == 0x0D && second == 0x0A) { return (index, index) }
                from = index + 1
            }
            return (nil, max(0, pending.count - (delimiter.count - 1)))
        }

        private mutating func startPart(headers: String) throws {
            var name: String?
            var filename: String?
            var contentType: String?
            for line in headers.components(separatedBy: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                switch pair[0].lowercased() {
                case "content-disposition":
                    for parameter in pair[1].split(separator: ";").dropFirst() {
                        let item = parameter.split(separator: "=", maxSplits: 1).map {
                            $0.trimmingCharacters(in: .whitespaces)
                        }
                        guard item.count == 2 else { continue }
                        let value =
                            item[1].count >= 2 && item[1].hasPrefix("\"") && item[1].hasSuffix("\"")
                            ? String(item[1].dropFirst().dropLast()) : item[1]
                        switch item[0].lowercased() {
                        case "name": name = value
                        case "filename": filename = value
                        default: break
                        }
                    }
                case "content-type": contentType = pair[1]
                default: break
                }
            }
            guard let name else { throw Failure.malformed("a part without a name") }
            current = (name, filename, contentType)
            fieldBytes = []
            if filename != nil {
                output = try FileOutput(directory: directory)
            }
        }

        private mutating func consume(_ bytes: [UInt8]) async throws {
            guard !bytes.isEmpty else { return }
            if let output {
                try await output.append(bytes)
            } else {
                fieldBytes += bytes
                guard fieldBytes.count <= maxFieldBytes else { throw Failure.malformed("a text field is too long") }
            }
        }

        private mutating func endPart() async throws {
            guard let part = current else { return }
            if let output {
                let size = try await output.finish()
                form.files.append(
                    FilePart(
                        field: part.name, filename: part.filename ?? "", contentType: part.contentType,
                        file: output.file, size: size))
                self.output = nil
            } else if form.fields[part.name] == nil {
                form.fields[part.name] = String(decoding: fieldBytes, as: UTF8.self)
            }
            current = nil
        }

        private func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
            guard haystack.count - start >= needle.count, let first = needle.first else { return nil }
            return haystack.withUnsafeBufferPointer { hay in
                needle.withUnsafeBufferPointer { pattern in
                    var index = start
                    let last = hay.count - pattern.count
                    while index <= last {
                        guard let raw = memchr(hay.baseAddress! + index, Int32(first), last - index + 1) else {
                            return nil
                        }
                        let at = UnsafePointer<UInt8>(raw.assumingMemoryBound(to: UInt8.self)) - hay.baseAddress!
                        if memcmp(hay.baseAddress! + at, pattern.baseAddress!, pattern.count) == 0 { return at }
                        index = at + 1
                    }
                    return nil
                }
            }
        }
    }
}
