import HTTPTypes
import NIOCore
import Testing

@testable import AgnesServer

/// The multipart parser, fed whole and in every chunking, and its header helpers.
@Suite struct MultipartParserTests {
    /// A part as the parser reported it.
    struct ParsedPart: Equatable {
        var head: MultipartPartHead
        var content: [UInt8]
    }

    /// Feeds `bytes` in chunks of `chunkSize` and collects the parts; also whether the body completed.
    static func parse(_ bytes: [UInt8], boundary: String, chunkSize: Int) throws -> (
        parts: [ParsedPart], complete: Bool
    ) {
        var parser = MultipartParser(boundary: boundary)
        var parts: [ParsedPart] = []
        var offset = 0
        repeat {
            let end = min(offset + chunkSize, bytes.count)
            parser.append(ByteBuffer(bytes: bytes[offset..<end]))
            offset = end
            while let event = try parser.next() {
                switch event {
                case .partBegan(let head): parts.append(ParsedPart(head: head, content: []))
                case .body(let chunk): parts[parts.count - 1].content += Array(chunk.readableBytesView)
                case .partEnded: continue
                }
            }
        } while offset < bytes.count
        return (parts, parser.isComplete)
    }

    static let tricky: [UInt8] = Array("line one\r\n--agnes-test-bound\r\n\r\n--\r\n-".utf8) + [0, 255, 13]

    static var form: MultipartBody {
        var body = MultipartBody()
        body.addField("note", "hello; world")
        body.addFile(filename: "q1.csv", content: tricky, contentType: "text/csv")
        body.addFile("empty", filename: "empty.bin", content: [])
        return body
    }

    @Test(arguments: [1, 2, 3, 7, 40, 64, 100_000])
    func partsAreTheSameWhateverTheChunking(chunkSize: Int) throws {
        let body = Self.form
        let (parts, complete) = try Self.parse(body.bytes, boundary: body.boundary, chunkSize: chunkSize)
        #expect(complete)
        #expect(
            parts == [
                ParsedPart(head: MultipartPartHead(name: "note"), content: Array("hello; world".utf8)),
                ParsedPart(
                    head: MultipartPartHead(name: "file", filename: "q1.csv", contentType: "text/csv"),
                    content: Self.tricky),
                ParsedPart(
                    head: MultipartPartHead(
                        name: "empty", filename: "empty.bin", contentType: "application/octet-stream"),
                    content: []),
            ])
    }

    @Test func preambleEpilogueAndTransportPaddingAreIgnored() throws {
        let text =
            "This is a preamble.\r\n--b  \t\r\nContent-Disposition: form-data; name=a\r\n\r\nA\r\n--b\r\n\r\nno headers\r\n--b--\r\nepilogue --b\r\n"
        let (parts, complete) = try Self.parse(Array(text.utf8), boundary: "b", chunkSize: 5)
        #expect(complete)
        #expect(
            parts == [
                ParsedPart(head: MultipartPartHead(name: "a"), content: Array("A".utf8)),
                ParsedPart(head: MultipartPartHead(), content: Array("no headers".utf8)),
            ])
    }

    @Test func aBodyWithoutItsClosingBoundaryIsIncomplete() throws {
        var bytes = Self.form.bytes
        bytes.removeLast("--agnes-test-boundary-7MA4YWxkTrZu0gW--\r\n".utf8.count + 2)
        let (_, complete) = try Self.parse(bytes, boundary: Self.form.boundary, chunkSize: 16)
        #expect(!complete)
        let (nothing, stillIncomplete) = try Self.parse(Array("no boundary at all".utf8), boundary: "b", chunkSize: 4)
        #expect(nothing.isEmpty && !stillIncomplete)
    }

    @Test(arguments: [
        "--b\r\nContent-Disposition form-data\r\n\r\nx\r\n--b--",
        "--bXYZ\r\n\r\nx\r\n--b--",
        "--b\r\n" + String(repeating: "X-Filler: 0123456789\r\n", count: 1_000) + "\r\nx\r\n--b--",
    ])
    func malformedBodiesAre400(text: String) throws {
        let error = try #require(throws: APIError.self) {
            _ = try Self.parse(Array(text.utf8), boundary: "b", chunkSize: 1_000)
        }
        #expect(error.status == .badRequest)
        #expect(error.detail.hasPrefix("Invalid multipart body: "))
    }

    @Test func headerValuesKeepQuotedSeparatorsAndEscapes() {
        let value = HeaderValue(#"Form-Data; NAME="file"; filename="q1; \"final\".csv"; empty=; junk"#)
        #expect(value.value == "form-data")
        #expect(value.parameters == ["name": "file", "filename": #"q1; "final".csv"#, "empty": ""])
        #expect(HeaderValue("multipart/form-data; boundary=\"a b\"").parameters["boundary"] == "a b")
        // Backslashes other than `\"` and `\\` stay: old browsers send Windows paths unescaped.
        let windows = HeaderValue(#"form-data; filename="C:\dir\a \"b\" \\.txt""#)
        #expect(windows.parameters["filename"] == #"C:\dir\a "b" \.txt"#)
    }

    @Test func extendedFilenamesWin() throws {
        let head = try MultipartPartHead(
            parsing:
                "content-disposition: form-data; name=\"file\"; filename=\"x.txt\"; filename*=UTF-8''%C5%BElu%C5%A5ou%C4%8Dk%C3%BD.txt\r\n"
        )
        #expect(head.filename == "žluťoučký.txt")
        #expect(head.name == "file")
    }

    @Test func patternsAreFoundAtAnyOffset() {
        let buffer = ByteBuffer(bytes: Array("ab\r\n\r\r\n--x".utf8))
        #expect(buffer.firstOffset(of: Array("\r\n--x".utf8)) == 5)
        #expect(buffer.firstOffset(of: [13, 10]) == 2)
        #expect(buffer.firstOffset(of: [13, 10], from: 3) == 5)
        #expect(buffer.firstOffset(of: Array("--y".utf8)) == nil)
        #expect(ByteBuffer(bytes: [1]).firstOffset(of: [1, 2]) == nil)
    }

    @Test(arguments: [
        ("report.html", "report.html"), ("../../etc/passwd", "passwd"), (#"C:\Users\ana\chart.png"#, "chart.png"),
        ("dir/", "dir"), ("ž.txt", "ž.txt"), ("a\u{0}b", "ab"), ("tab\there", "tabhere"),
        // Invisible characters are stripped: a bidi override makes "\u{202E}gnp.exe" read "exe.png".
        ("\u{202E}gnp.exe", "gnp.exe"), ("report\u{2028}.pdf", "report.pdf"), ("x\u{0085}y.csv", "xy.csv"),
        ("zero\u{200B}width\u{FEFF}.txt", "zerowidth.txt"), ("pa\u{2029}ra\u{200F}.md", "para.md"),
        ("\u{202D}..\u{202C}/ok.txt", "ok.txt"),
    ])
    func uploadNamesKeepTheirLastComponent(raw: String, stored: String) {
        #expect(UploadFilename.safe(raw) == stored)
    }

    @Test(arguments: [
        nil, "", "/", "..", ".", ".bashrc", "../.ssh", String(repeating: "x", count: 256), "\u{202E}\u{2028}",
        "\u{200B}.hidden", "\u{0085}..",
    ])
    func unusableUploadNamesAreReplaced(raw: String?) {
        let stored = UploadFilename.safe(raw)
        #expect(stored.hasPrefix("upload_"))
        #expect(stored.count == "upload_".count + 8)
        let isHex = stored.dropFirst("upload_".count).allSatisfy(\.isHexDigit)
        #expect(isHex)
    }
}
