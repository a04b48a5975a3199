extension ConfigValue {
    /// Merges `overlay` over this value: objects merge key by key, recursively; for anything else
    /// (scalars, lists, `null`, or an object meeting a non-object) the overlay wins.
    ///
    /// ```swift
    /// let base: ConfigValue = ["auth": ["allowed_domain": "a.com", "google_client_id": "x"]]
    /// let overlay: ConfigValue = ["auth": ["allowed_domain": "b.com"]]
    /// base.merging(overlay)["auth.google_client_id"]  // "x"
    /// ```
    public func merging(_ overlay: ConfigValue) -> ConfigValue {
        guard case .object(let base) = self, case .object(let top) = overlay else { return overlay }
        var merged = base
        for (key, value) in top {
            merged[key] = merged[key].map { $0.merging(value) } ?? value
        }
        return .object(merged)
    }
}
