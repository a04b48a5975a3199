extension Unicode.Scalar {
    /// Control (Cc: C0, DEL, C1 such as U+0085), format (Cf: U+202E, zero-width characters) and line or
    /// paragraph separator (Zl, Zp: U+2028, U+2029) characters: what must never reach a stored name or a
    /// log line as it is. Printable ASCII is answered without a property lookup.
    var isInvisibleControl: Bool {
        if value < 0x20 || (0x7F...0x9F).contains(value) { return true }
        guard value >= 0xA0 else { return false }
        switch properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
