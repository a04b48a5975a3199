import Foundation

/// Human-readable byte counts.
public enum ByteCount {
    /// `512 B`, `1.5 KB`, `12.3 MB`, `2.0 GB` (powers of 1024).
    public static func text(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
