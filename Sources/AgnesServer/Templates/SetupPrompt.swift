import AgnesAuth
import AgnesCore
import Foundation

/// The agent setup prompt (the `welcome` template): the text a new analyst pastes into Claude Code to
/// install the CLI and set up a workspace. Its context is `instance, server, user|null, now, today`.
enum SetupPrompt {
    /// The variables of the context, for admins writing an override.
    static let variables: [PromptVariable] = [
        .init("instance.name", "the instance's name"),
        .init("instance.subtitle", "its subtitle, or null"),
        .init("server.url", "the server's address"),
        .init("server.hostname", "its host name"),
        .init(
            "user",
            "the signed-in user, or null for a visitor: {id, email, name, display_name, is_admin, groups, groups_text}"
        ),
        .init("now", "the time of rendering, ISO 8601 UTC"),
        .init("today", "the date, YYYY-MM-DD"),
    ]

    /// The context for the given pieces.
    static func context(settings: AgnesSettings, serverURL: String, user: TemplateValue, date: Date) -> TemplateValue {
        var fields: [String: TemplateValue] = [
            "instance": TemplateContext.instance(settings), "server": TemplateContext.server(url: serverURL),
            "user": user,
        ]
        fields.merge(TemplateContext.clock(date)) { _, new in new }
        return .object(fields)
    }

    /// Stand-in contexts an override must render against: with a user and without one.
    static func stubContexts(settings: AgnesSettings) -> [TemplateValue] {
        let date = Date(timeIntervalSince1970: 1_767_225_600)
        return [
            context(
                settings: settings, serverURL: "https://agnes.example.com", user: TemplateContext.stubUser, date: date),
            context(settings: settings, serverURL: "http://localhost:8000", user: .null, date: date),
        ]
    }

    /// The shipped prompt, used when no override is stored.
    static let defaultSource = """
        Set up an Agnes analyst workspace for {{instance.name}} on this computer.

        1. Install the Agnes CLI: `curl -fsSL {{server.url}}/cli/install.sh | bash`
           (it puts `agnes` on the PATH; open a new shell if the command is not found).
        2. Ask me for a personal access token of {{server.hostname}}{{#user}} (signed in as {{user.email}}){{/user}}.
           Never print it, write it into a file of this workspace, or send it anywhere but that server.
        3. In an empty folder, run `agnes init --server-url {{server.url}} --token <the token>`,
           then `agnes pull` to download the data I may read.
        4. Run `agnes diagnose` and tell me what it reports; then read the new `CLAUDE.md` and follow it.

        """

    /// ``defaultSource``, parsed once.
    static let defaultTemplate: PromptTemplate = {
        do { return try PromptTemplate(defaultSource) } catch { preconditionFailure("\(error)") }
    }()
}
