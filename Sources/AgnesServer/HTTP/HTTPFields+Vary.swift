import HTTPTypes

extension HTTPFields {
    /// Adds `name` to the one `Vary` field unless it, or `*`, is already listed (case-insensitively):
    /// middlewares that each make the answer depend on a request header add theirs in turn.
    mutating func addVary(_ name: String) {
        let listed = self[values: .vary].flatMap { $0.split(separator: ",").map(\.trimmedOfWhitespace) }
            .filter { !$0.isEmpty }
        guard !listed.contains(where: { $0 == "*" || $0.lowercased() == name.lowercased() }) else { return }
        self[.vary] = (listed + [name]).joined(separator: ", ")
    }
}
