import Foundation

/// Quoted-printable (RFC 2045 §6.7) and RFC 2047 encoded-word encoders for UTF-8 text.
enum QuotedPrintable {
    /// The longest encoded line, excluding CRLF (RFC 2045 allows 76).
    static let maximumLineLength = 76

    /// Encodes `text` with CRLF hard line breaks and `=` soft breaks, whatever line endings it had.
    static func encode(_ text: String) -> String {
        normalizedLines(text).map(encodeLine).joined(separator: "\r\n")
    }

    /// Splits on CRLF, CR or LF.
    static func normalizedLines(_ text: String) -> [Substring] {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return unified.split(separator: "\n", omittingEmptySubsequences: false)
    }

    private static func encodeLine(_ line: Substring) -> String {
        let bytes = Array(line.utf8)
        var output = ""
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let token: String
            // Trailing white space would be stripped in transit, so the last one is encoded.
            if (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast) {
                token = String(UnicodeScalar(byte))
            } else {
                token = "=" + hex(byte)
            }
            // Leave room for the soft break's "=", unless this token ends the line.
            let limit = isLast ? maximumLineLength : maximumLineLength - 1
            if current.utf8.count + token.utf8.count > limit {
                output += current + "=\r\n"
                current = ""
            }
            current += token
        }
        return output + current
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

/// RFC 2047 encoded words for header text that is not plain ASCII.
enum EncodedWord {
    /// UTF-8 bytes per encoded word; 39 bytes make 52 base64 characters, a 64-character word.
    static let bytesPerWord = 39

    /// Returns `text` unchanged when it is printable ASCII, else `=?UTF-8?B?…?=` words folded onto
    /// continuation lines, split only between characters.
    static func encodeIfNeeded(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && !text.contains("=?") {
            return text
        }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > bytesPerWord, !chunk.isEmpty {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty {
            words.append(word(chunk))
        }
        return words.joined(separator: "\r\n ")
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Base64.encode(bytes) + "?="
    }
}
