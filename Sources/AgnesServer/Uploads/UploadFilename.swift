/// The name an uploaded file is stored under: the last path component of the name the client sent,
/// or `upload_<8 hex>` when that is empty, starts with a dot (`.`, `..`, hidden files), holds a control
/// character or is longer than a file name may be. Both `/` and `\` separate components, so no name can
/// climb out of the user's directory.
///
/// ```swift
/// UploadFilename.safe("../../etc/passwd")      // "passwd"
/// UploadFilename.safe(#"C:\Users\ana\r.html"#)  // "r.html"
/// UploadFilename.safe("..")                    // "upload_3f9a0c1e"
/// ```
enum UploadFilename {
    /// The longest name stored, in UTF-8 bytes (the usual file-system limit).
    static let maximumBytes = 255

    /// The stored name for a client-supplied name (nil when the client sent none).
    static func safe(_ raw: String?) -> String {
        let base = raw?.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let isUsable =
            !base.isEmpty && !base.hasPrefix(".") && base.utf8.count <= maximumBytes
            && !base.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        return isUsable ? base : generated()
    }

    /// `upload_` and 8 random lowercase hex digits.
    static func generated() -> String {
        let hex = String(UInt32.random(in: .min ... .max), radix: 16)
        return "upload_" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
