/// One variable of a prompt template's context, as the admin template routes list it.
struct PromptVariable: Sendable, Encodable, Equatable {
    /// The Mustache name, e.g. `user.email`.
    let name: String
    /// What it holds.
    let description: String

    init(_ name: String, _ description: String) {
        self.name = name
        self.description = description
    }
}
