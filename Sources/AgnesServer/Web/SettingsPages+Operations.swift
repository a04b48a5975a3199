extension SettingsPages: DescribedRoutes {
    var apiTag: String { "Web pages" }

    var operations: [APIOperation] {
        let adminPage: [APIResponse] = [.html("The page")] + APIResponse.adminPage
        return [
            .get(
                "/setup", "The workspace bootstrap to paste into Claude Code (yours when signed in)", .anonymous,
                responses: [.html("The page")]),
            .get(
                "/admin/prompts", "Editors of the workspace CLAUDE.md and the setup prompt", .admin,
                responses: adminPage),
            .get(
                "/admin/server-config", "The editable configuration, section by section, secrets redacted", .admin,
                responses: adminPage),
        ]
    }
}
