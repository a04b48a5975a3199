import Foundation

/// Base64 helpers for MIME bodies, encoded words and SMTP AUTH.
enum Base64 {
    /// Base64 of `bytes` on one line.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Base64 of the UTF-8 of `text` on one line.
    static func encode(_ text: String) -> String {
        encode(Array(text.utf8))
    }

    /// Base64 of the UTF-8 of `text` with CRLF after every 76 characters, for a MIME body part.
    static func encodeBody(_ text: String) -> String {
        let unified = QuotedPrintable.normalizedLines(text).joined(separator: "\r\n")
        return Data(unified.utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
    }
}
