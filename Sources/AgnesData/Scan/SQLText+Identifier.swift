import Foundation

extension SQLText {
    /// A double-quoted SQL identifier with embedded quotes doubled: safe for any column name.
    public static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
