/// The name an uploaded file is stored under: the last path component of the name the client sent,
/// without control, format and separator characters (C0/C1 controls such as U+0085, bidi overrides such
/// as U+202E that make `‮gnp.exe` read as "exe.png", zero-width characters, U+2028/U+2029), or
/// `upload_<8 hex>` when what is left is empty, starts with a dot (`.`, `..`, hidden files) or is
/// longer than a file name may be. Both `/` and `\` separate components, so no name can climb out of
/// the user's directory.
///
/// ```swift
/// UploadFilename.safe("../../etc/passwd")      // "passwd"
/// UploadFilename.safe(#"C:\Users\ana\r.html"#)  // "r.html"
/// UploadFilename.safe("..")                    // "upload_3f9a0c1e"
/// UploadFilename.safe("\u{202E}gnp.exe")        // "gnp.exe"
/// ```
enum UploadFilename {
    /// The longest name stored, in UTF-8 bytes (the usual file-system limit).
    static let maximumBytes = 255

    /// The stored name for a client-supplied name (nil when the client sent none).
    static func safe(_ raw: String?) -> String {
        let base = raw?.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var visible = String.UnicodeScalarView()
        visible.append(contentsOf: base.unicodeScalars.filter { !$0.isInvisibleControl })
        let name = String(visible)
        let isUsable = !name.isEmpty && !name.hasPrefix(".") && name.utf8.count <= maximumBytes
        return isUsable ? name : generated()
    }

    /// `upload_` and 8 random lowercase hex digits.
    static func generated() -> String {
        let hex = String(UInt32.random(in: .min ... .max), radix: 16)
        return "upload_" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
