import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `/setup`: the one-paste workspace bootstrap (the agent setup prompt, the admin's override when there
/// is one) for the signed-in user, or for a visitor without their details. `/admin/prompts`: the editors
/// of the workspace `CLAUDE.md` and the setup prompt, with preview against the admin's own context.
/// `/admin/server-config`: each editable section of the configuration as JSON, secrets redacted (a
/// redacted value sent back unchanged keeps the secret), the dangerous sections saved only when
/// confirmed; every action goes through the JSON API the page sits on.
struct SettingsPages {
    let services: AgnesServices

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/setup") { request, context in
            try await setup(caller: try? await services.caller(request, context), request: request)
        }
        router.get("/admin/prompts") { request, context in
            try await services.adminPage(request, context) { caller in
                try await prompts(caller: caller, request: request)
            }
        }
        router.get("/admin/server-config") { request, context in
            try await services.adminPage(request, context) { caller in try await serverConfig(caller: caller) }
        }
    }

    func setup(caller: AuthenticatedUser?, request: Request) async throws -> Response {
        let kind = PromptKind.setup
        let base = services.accountLinks.baseURL(request: request)
        let user: TemplateValue =
            if let caller { try await TemplateContext.user(caller, store: services.store) } else { .null }
        let live = SetupPrompt.context(settings: services.settings, serverURL: base, user: user, date: Date())
        let stored = try await kind.stored(services)
        let prompt = try kind.render(live, override: stored.content, logger: services.logger)
        return WebPage(
            template: "setup", title: "Set up a workspace", path: "/setup", caller: caller,
            values: [
                "prompt": prompt, "is_custom": stored.content != nil, "signed_in": caller != nil,
                "install_command": "curl -fsSL \(base)/cli/install.sh | bash",
                "init_command": "agnes init --server-url \(base) --token-stdin",
            ]
        ).response(instanceName: services.settings.instanceName)
    }

    func prompts(caller: AuthenticatedUser, request: Request) async throws -> Response {
        var editors: [[String: Any]] = []
        for (kind, name) in [(PromptKind.workspace, "Workspace CLAUDE.md"), (PromptKind.setup, "Setup prompt")] {
            let stored = try await kind.stored(services)
            let legacy = PromptKind.legacyStrings(in: stored.content)
            editors.append([
                "editor_id": kind.kind.rawValue, "editor_title": name, "editor_api": kind.path,
                "editor_content": stored.content ?? kind.defaultTemplate.source,
                "editor_is_custom": stored.content != nil,
                "editor_updated": [stored.updatedAt.map(DashboardPage.day), stored.updatedBy].compactMap { $0 }
                    .joined(separator: " by "),
                "editor_has_legacy": !legacy.isEmpty, "editor_legacy": legacy.joined(separator: ", "),
                "editor_variables": kind.variables.map { ["variable_name": $0.name, "variable_help": $0.description] },
            ])
        }
        return WebPage(
            template: "admin_prompts", title: "Prompts", path: "/admin/prompts", caller: caller,
            values: ["editors": editors]
        ).response(instanceName: services.settings.instanceName)
    }

    func serverConfig(caller: AuthenticatedUser) async throws -> Response {
        let shown = try await ServerConfigRoutes(services: services).shownSections()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let sections = ServerConfigRoutes.editableSections.map { name -> [String: Any] in
            let json = (try? encoder.encode(shown[name] ?? .object([:]))).map { String(decoding: $0, as: UTF8.self) }
            return [
                "section_name": name, "section_json": json ?? "{}",
                "section_is_danger": ServerConfigRoutes.dangerSections.contains(name),
                "section_fields": (ServerConfigRoutes.knownFields[name] ?? []).joined(separator: ", "),
            ]
        }
        return WebPage(
            template: "admin_server_config", title: "Server configuration", path: "/admin/server-config",
            caller: caller, values: ["sections": sections]
        ).response(instanceName: services.settings.instanceName)
    }
}

extension SettingsPages {
    static let templates: [String: String] = [
        "setup": setupTemplate, "admin_prompts": promptsTemplate, "admin_server_config": serverConfigTemplate,
    ]

    static let setupTemplate = """
        {{<layout}}{{$content}}
        <h1>Set up a workspace</h1>
        <p>Paste this into Claude Code in an empty folder: it installs the <code>agnes</code> CLI, connects it to this server and brings the tables you may read.{{^signed_in}} <a href="/login?next=%2Fsetup">Sign in</a> first to get it with your details.{{/signed_in}}</p>
        <pre id="setup-prompt">{{prompt}}</pre>
        <div class="actions"><button type="button" data-copy="setup-prompt">Copy</button></div>
        <h2>Or by hand</h2>
        <p>In a terminal, with a personal access token (from your <a href="/profile">profile</a>) on standard input:</p>
        <pre>{{install_command}}
        {{init_command}}
        agnes pull</pre>
        {{/content}}{{/layout}}

        """

    static let promptsTemplate = """
        {{<layout}}{{$content}}
        <p><a href="/admin">Admin</a></p>
        <h1>Prompts</h1>
        <p class="muted">The workspace <code>CLAUDE.md</code> every analyst's <code>agnes init</code> writes, and the setup prompt of <a href="/setup">/setup</a>. A saved text must render for every kind of user; preview shows it for you.</p>
        {{#editors}}<section class="card" aria-labelledby="{{editor_id}}-title">
        <h2 id="{{editor_id}}-title">{{editor_title}}</h2>
        <p class="muted">{{#editor_is_custom}}Customized{{#editor_updated}} ({{editor_updated}}){{/editor_updated}}.{{/editor_is_custom}}{{^editor_is_custom}}The shipped default.{{/editor_is_custom}}</p>
        {{#editor_has_legacy}}<p class="problem">It still uses texts of the old CLI: {{editor_legacy}}.</p>{{/editor_has_legacy}}
        <form data-api="{{editor_api}}" data-method="PUT" data-done="Saved.">
        <label for="{{editor_id}}-content">Template</label>
        <textarea id="{{editor_id}}-content" name="content" class="sql" spellcheck="false">{{editor_content}}</textarea>
        <div class="actions"><button type="submit" class="primary">Save</button>
        <button type="submit" data-api="{{editor_api}}/preview" data-method="POST" data-then="reveal:content" data-done="The preview, rendered for you, is below.">Preview</button>
        {{#editor_is_custom}}<button type="submit" class="danger" data-api="{{editor_api}}" data-method="DELETE" data-then="reload" data-confirm="Go back to the shipped default?">Reset to default</button>{{/editor_is_custom}}</div>
        <p data-result></p>
        <pre data-reveal class="hidden" aria-label="Preview"></pre>
        </form>
        <details><summary>Variables</summary><table><tbody>{{#editor_variables}}<tr><td><code>{{variable_name}}</code></td><td>{{variable_help}}</td></tr>{{/editor_variables}}</tbody></table></details>
        </section>
        {{/editors}}
        {{/content}}{{/layout}}

        """

    static let serverConfigTemplate = """
        {{<layout}}{{$content}}
        <p><a href="/admin">Admin</a></p>
        <h1>Server configuration</h1>
        <p class="muted">Each section as JSON, merged into the runtime overlay (<code>state/instance.yaml</code>). Secrets show as <code>***</code>: leave them so to keep them. Changes apply when the server restarts.</p>
        {{#sections}}<details class="card"><summary>{{section_name}}{{#section_is_danger}} <span class="chip">danger</span>{{/section_is_danger}}</summary>
        <form data-api="/api/admin/server-config" data-done="Saved. Restart the server to apply it.">
        {{#section_fields}}<p class="muted">Known keys: {{section_fields}}</p>{{/section_fields}}
        <label for="section-{{section_name}}">Section {{section_name}}</label>
        <textarea id="section-{{section_name}}" name="sections.{{section_name}}" data-type="json" spellcheck="false">{{section_json}}</textarea>
        {{#section_is_danger}}<p><input id="confirm-{{section_name}}" name="confirm_danger" type="checkbox"><label class="inline" for="confirm-{{section_name}}">I understand that this changes how the server runs or who may sign in.</label></p>{{/section_is_danger}}
        <div class="actions"><button type="submit" class="primary">Save {{section_name}}</button></div>
        <p data-result></p>
        </form></details>
        {{/sections}}
        {{/content}}{{/layout}}

        """
}
