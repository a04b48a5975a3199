/// A HUGEINT (128-bit signed) value.
///
/// Stored as two 64-bit halves rather than as `Int128`: an `Int128` payload (16-byte aligned) inside
/// an enum miscompiles with Swift 6.3 on x86_64 Linux (misaligned `movaps`, a crash), so values keep
/// 8-byte alignment and convert at the edges.
public struct DuckDBHugeInt: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The low 64 bits.
    public var lower: UInt64
    /// The high 64 bits (two's complement).
    public var upper: Int64

    /// Wraps a 128-bit value.
    public init(_ value: Int128) {
        lower = UInt64(truncatingIfNeeded: value)
        upper = Int64(truncatingIfNeeded: value >> 64)
    }

    public init(integerLiteral value: Int64) { self.init(Int128(value)) }

    /// The 128-bit value.
    public var value: Int128 { Int128(upper) << 64 | Int128(lower) }

    public var description: String { String(value) }
}

/// A UHUGEINT (128-bit unsigned) value, stored as two 64-bit halves (see ``DuckDBHugeInt``).
public struct DuckDBUHugeInt: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The low 64 bits.
    public var lower: UInt64
    /// The high 64 bits.
    public var upper: UInt64

    /// Wraps a 128-bit value.
    public init(_ value: UInt128) {
        lower = UInt64(truncatingIfNeeded: value)
        upper = UInt64(truncatingIfNeeded: value >> 64)
    }

    public init(integerLiteral value: UInt64) { self.init(UInt128(value)) }

    /// The 128-bit value.
    public var value: UInt128 { UInt128(upper) << 64 | UInt128(lower) }

    public var description: String { String(value) }
}
