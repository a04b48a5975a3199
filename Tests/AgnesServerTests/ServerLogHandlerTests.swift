import Foundation
import Logging
import Synchronization
import Testing

@testable import AgnesServer

@Suite struct ServerLogHandlerTests {
    static let second = 1_795_653_583  // 2026-11-26T00:39:43Z

    static func logger(_ output: ServerLogHandler.Output, provider: Logger.MetadataProvider? = nil) -> Logger {
        Logger(label: "agnes") { ServerLogHandler(label: $0, output: output, metadataProvider: provider) }
    }

    @Test func linesHaveStreamLogHandlersShapeWithSortedMergedMetadata() {
        let output = ServerLogHandler.Output(capturingWith: .init(now: { Self.second }))
        var logger = Self.logger(output, provider: Logger.MetadataProvider { ["trace": "t1", "zone": "provided"] })
        logger[metadataKey: "request_id"] = "abc123"
        logger[metadataKey: "zone"] = "mine"
        logger.info("request", metadata: ["status": "200", "method": "POST"])
        logger.debug("not at info level")
        logger.warning("no explicit metadata")
        #expect(
            output.lines == [
                "2026-11-26T00:39:43+0000 info agnes: method=POST request_id=abc123 status=200 trace=t1 zone=provided"
                    + " [AgnesServerTests] request\n",
                "2026-11-26T00:39:43+0000 warning agnes: request_id=abc123 trace=t1 zone=provided"
                    + " [AgnesServerTests] no explicit metadata\n",
            ])
    }

    /// Metadata is a value: a copy of the logger changes its own, never the original's.
    @Test func metadataBelongsToEachCopy() {
        let output = ServerLogHandler.Output(capturingWith: .init(now: { Self.second }))
        var first = Self.logger(output)
        first[metadataKey: "request_id"] = "one"
        var second = first
        second[metadataKey: "request_id"] = "two"
        first.info("a")
        second.info("b")
        #expect(output.lines.map { $0.contains("request_id=one") } == [true, false])
        #expect(output.lines.map { $0.contains("request_id=two") } == [false, true])
    }

    @Test func timestampsAreUTCAndFollowTheClock() {
        #expect(ServerLogHandler.SecondClock.format(0) == "1970-01-01T00:00:00+0000")
        #expect(ServerLogHandler.SecondClock.format(Self.second) == "2026-11-26T00:39:43+0000")
        #expect(ServerLogHandler.SecondClock.format(951_782_400) == "2000-02-29T00:00:00+0000")
        let now = Mutex(Self.second)
        let clock = ServerLogHandler.SecondClock(now: { now.withLock { $0 } })
        #expect(clock.timestamp() == "2026-11-26T00:39:43+0000")
        now.withLock { $0 += 1 }
        #expect(clock.timestamp() == "2026-11-26T00:39:44+0000")
    }

    /// A real descriptor gets whole lines; a closed one is ignored rather than stopping the server.
    @Test func writesWholeLinesToADescriptorAndSurvivesAClosedOne() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let logger = Logger(label: "agnes") { ServerLogHandler(label: $0, descriptor: ends[1]) }
        logger.error("disk full", metadata: ["table": "orders"])
        close(ends[1])
        let text = String(
            decoding: FileHandle(fileDescriptor: ends[0], closeOnDealloc: true).readDataToEndOfFile(), as: UTF8.self)
        #expect(text.hasSuffix(" error agnes: table=orders [AgnesServerTests] disk full\n"))
        #expect(text.split(separator: "\n").count == 1)
        logger.error("after the descriptor closed")  // must not crash or block
    }

    /// Values from requests cannot forge fields or lines: anything but one plain token is quoted, and
    /// control, format and separator characters are escaped everywhere.
    @Test(arguments: [
        ("/api/query", "path=/api/query"),
        ("/x status=200 user=admin", #"path="/x status=200 user=admin""#),
        ("/x\u{2028}2026-11-26T00:00:00+0000 info agnes: user=admin", #"path="/x\u{2028}2026-11-26T00:00:00+0000 info agnes: user=admin""#),
        ("a\nb\r\tc", #"path="a\nb\r\tc""#),
        ("say \"hi\" \\ bye", #"path="say \"hi\" \\ bye""#),
        ("\u{202E}gnp.exe", #"path="\u{202e}gnp.exe""#),
        ("nel\u{0085}x", #"path="nel\u{85}x""#),
        ("", #"path="""#),
        ("/x\u{00A0}admin=true", #"path="/x\#u{00A0}admin=true""#),
        ("/x\u{3000}user=root", #"path="/x\#u{3000}user=root""#),
    ])
    func requestValuesAreQuotedAndEscaped(value: String, rendered: String) {
        let output = ServerLogHandler.Output(capturingWith: .init(now: { Self.second }))
        Self.logger(output).info("request", metadata: ["path": "\(value)"])
        let line = output.lines.first ?? ""
        #expect(line == "2026-11-26T00:39:43+0000 info agnes: \(rendered) [AgnesServerTests] request\n")
        #expect(line.unicodeScalars.filter { $0 == "\n" || $0 == "\u{2028}" || $0 == "\r" }.count == 1)
    }

    @Test func aMessageCannotStartANewLine() {
        let output = ServerLogHandler.Output(capturingWith: .init(now: { Self.second }))
        Self.logger(output).warning("bad table x\n2026-11-26T00:00:00+0000 info agnes: forged")
        #expect(output.lines == ["2026-11-26T00:39:43+0000 warning agnes: [AgnesServerTests] bad table x\\n2026-11-26T00:00:00+0000 info agnes: forged\n"])
    }

    @Test func anErrorIsRenderedAsMetadata() {
        struct Broken: Error, CustomStringConvertible { var description: String { "broken pipe" } }
        let output = ServerLogHandler.Output(capturingWith: .init(now: { Self.second }))
        ServerLogHandler(label: "agnes", output: output).log(
            event: LogEvent(
                level: .error, message: "sync failed", error: Broken(), metadata: nil, source: "AgnesData",
                file: #fileID, function: #function, line: #line))
        #expect(output.lines.first?.contains(#"error.message="broken pipe""#) == true)
        #expect(output.lines.first?.contains("[AgnesData] sync failed") == true)
    }
}
