extension TemplateRoutes: DescribedRoutes {
    var apiTag: String { "Workspace" }

    var operations: [APIOperation] {
        kinds.flatMap { kind -> [APIOperation] in
            let templateError = APIResponse.error(400, "The template does not parse or uses an unknown variable")
            let length = APIResponse.error(422, "content missing, or not 1 to \(Self.maximumLength) characters")
            return [
                .get(
                    kind.path, "The \(kind.title) override, the default and the template's variables", .admin,
                    responses: [
                        .ok(
                            .object([
                                "content": .string.orNull, "default": .string, "updated_at": .timestamp.orNull,
                                "updated_by": .string.orNull, "legacy_strings_detected": .array(.string),
                                "variables": .array(.object(["name": .string, "description": .string])),
                            ]))
                    ]),
                .put(
                    kind.path, "Save a Mustache override of the \(kind.title), checked by rendering it", .admin,
                    body: .json(.object(["content": .string], required: ["content"])),
                    responses: [.ok(.object(["status": .string])), templateError, length]),
                .delete(kind.path, "Go back to the default \(kind.title)", .admin, responses: [.noContent]),
                .post(
                    kind.path + "/preview", "Render the \(kind.title) for you: the given text, else the current one",
                    .admin, query: [.query("server_url", "the server address to render with")],
                    body: .json(.object(["content": .string.orNull]), required: false),
                    responses: [.ok(.object(["content": .string])), templateError, length]),
            ]
        }
    }
}
