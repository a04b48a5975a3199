extension Duration {
    /// The whole duration in milliseconds, rounded down (what outcomes and job history record).
    public var milliseconds: Int {
        Int(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
