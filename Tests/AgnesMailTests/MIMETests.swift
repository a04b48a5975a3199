import Foundation
import Testing

@testable import AgnesMail

@Suite struct MIMETests {
    @Test func quotedPrintableEscapesEqualsAndKeepsLinesShort() {
        let line = "https://example.com/?a=1&b=2 " + String(repeating: "é", count: 40) + " "
        let encoded = QuotedPrintable.encode(line + "\n.next")
        #expect(encoded.contains("?a=3D1&b=3D2"))
        #expect(encoded.contains("=C3=A9"))
        #expect(encoded.hasSuffix("=20\r\n.next"))
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.dropLast(2).allSatisfy { $0.hasSuffix("=") })
    }

    @Test func encodedWordsOnlyWhenNeeded() {
        #expect(EncodedWord.encodeIfNeeded("Plain subject") == "Plain subject")
        let encoded = EncodedWord.encodeIfNeeded(String(repeating: "Žluťoučký kůň ", count: 5))
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.utf8.count <= 75 })
    }

    @Test func dotStuffingDoublesLeadingDots() {
        #expect(SMTPMailSender.dotStuffed(".a\r\nb\r\n.c\r\n") == "..a\r\nb\r\n..c\r\n")
    }

    @Test func mimeTextUsesCRLFAndMultipartForHTML() {
        let message = MailMessage(from: "a@example.com", to: ["b@example.com"], subject: "S", text: "t\n", html: "<p>")
        let text = message.mimeText(
            date: Date(timeIntervalSince1970: 0),
            messageID: "<id@example.com>",
            boundary: "=_b",
            bodyEncoding: .quotedPrintable
        )
        #expect(text.hasPrefix("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(text.contains("Content-Type: multipart/alternative; boundary=\"=_b\"\r\n"))
        #expect(text.hasSuffix("--=_b--\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }
}

@Suite struct SMTPReplyDecoderTests {
    @Test func joinsMultiLineReplies() throws {
        var decoder = SMTPReplyDecoder()
        #expect(try decoder.consume("250-smtp.example.com") == nil)
        #expect(try decoder.consume("250-STARTTLS") == nil)
        let reply = try decoder.consume("250 AUTH PLAIN LOGIN")
        #expect(reply == SMTPReply(code: 250, lines: ["smtp.example.com", "STARTTLS", "AUTH PLAIN LOGIN"]))
        #expect(try decoder.consume("354") == SMTPReply(code: 354, lines: [""]))
    }

    @Test(arguments: ["hello", "25", "999 nope", "250_odd"])
    func rejectsMalformedLines(line: String) {
        var decoder = SMTPReplyDecoder()
        #expect(throws: MailError.self) { try decoder.consume(line) }
    }

    @Test func rejectsACodeChangeInsideAReply() throws {
        var decoder = SMTPReplyDecoder()
        _ = try decoder.consume("250-first")
        #expect(throws: MailError.self) { try decoder.consume("550 second") }
    }
}
