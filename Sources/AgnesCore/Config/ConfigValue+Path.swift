extension ConfigValue {
    /// The value at a path of object keys, or `nil` when a key is missing or a step is not an object.
    ///
    /// ```swift
    /// config.lookup(["api", "scan", "max_limit"])?.intValue
    /// ```
    public func lookup(_ path: some Sequence<String>) -> ConfigValue? {
        var current = self
        for key in path {
            guard case .object(let members) = current, let next = members[key] else { return nil }
            current = next
        }
        return current
    }

    /// The value at a dotted path such as `"auth.allowed_domain"`; use ``lookup(_:)`` for keys containing dots.
    public subscript(path: String) -> ConfigValue? {
        lookup(Self.keys(of: path))
    }

    /// Splits a dotted path into keys.
    static func keys(of dottedPath: String) -> [String] {
        dottedPath.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// Joins keys into a dotted path for messages; the empty path is the document itself.
    static func dottedPath(_ keys: [String]) -> String {
        keys.isEmpty ? "(top level)" : keys.joined(separator: ".")
    }
}
