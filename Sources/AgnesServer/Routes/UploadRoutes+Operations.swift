extension UploadRoutes: DescribedRoutes {
    var apiTag: String { "Uploads" }

    var operations: [APIOperation] {
        let stored = APIResponse.ok(.object(["status": .string, "filename": .string, "size": .integer]))
        let tooLarge = APIResponse.error(413, "File too large (max 50MB)")
        return [
            .post(
                "/api/upload/sessions", "Upload a Claude Code session transcript", .user,
                body: .multipart(["file": .string], required: ["file"]), responses: [stored, tooLarge]),
            .post(
                "/api/upload/artifacts", "Upload a report or chart", .user,
                body: .multipart(["file": .string], required: ["file"]), responses: [stored, tooLarge]),
            .post(
                "/api/upload/local-md", "Upload your CLAUDE.local.md", .user,
                body: .json(.object(["content": .string], required: ["content"])),
                responses: [.ok(.object(["status": .string, "user": .string, "size": .integer])), tooLarge]),
        ]
    }
}
