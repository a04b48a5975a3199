import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `/query`, the query console: SQL against the tables the caller may read, run by ``WebScript`` through
/// the same sandboxed `POST /api/query` as `agnes query --remote` (its limits, its errors, shown in
/// place); `?table=` starts with a look at one table, `?sql=` with given SQL. `/admin`, the admins'
/// index of every admin page (403 for others).
struct ConsolePages {
    let services: AgnesServices

    /// The admin pages on `/admin`, in order: path, title, what it is for.
    static let adminSections: [(path: String, title: String, summary: String)] = [
        ("/admin/tables", "Tables", "Register, edit, sync and delete tables"),
        ("/admin/sync-runs", "Sync runs", "Recent sync runs and what each did with each table"),
        ("/admin/scheduler", "Scheduler", "The scheduled jobs: next run, last outcome, run now"),
        ("/admin/access", "Access", "Which groups may reach which tables, plugins and memory domains."),
        ("/admin/users", "Users", "Accounts, their groups and access; create, deactivate, reset passwords."),
        ("/admin/groups", "Groups", "Groups with their members and origin; create and delete groups."),
        ("/admin/tokens", "Tokens", "Every personal access token; revoke one."),
        (
            "/admin/server-config", "Server configuration",
            "The instance's settings, section by section; secrets redacted."
        ),
        ("/admin/prompts", "Prompts", "The workspace CLAUDE.md and the setup prompt, with preview."),
        (
            "/corporate-memory/admin", "Corporate memory",
            "Review contributed knowledge, settle contradictions and duplicates, read the audit trail."
        ),
    ]

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/query") { request, context in
            let caller = try await services.caller(request, context)
            return try await query(for: caller, request: request)
        }
        router.get("/admin") { request, context in
            try await services.adminPage(request, context) { caller in index(for: caller) }
        }
    }

    func index(for caller: AuthenticatedUser) -> Response {
        let sections = Self.adminSections.map {
            ["section_href": $0.path, "section_title": $0.title, "section_summary": $0.summary]
        }
        return WebPage(
            template: "admin_index", title: "Admin", path: "/admin", caller: caller,
            values: ["sections": sections, "has_sections": !sections.isEmpty]
        ).response(instanceName: services.settings.instanceName)
    }

    func query(for caller: AuthenticatedUser, request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        var sql = parameters.get("sql") ?? ""
        if sql.isEmpty, let table = parameters.get("table"), !table.isEmpty {
            sql = "SELECT *\nFROM \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\"\nLIMIT 100"
        }
        let readable = try await services.access.readableTables(caller)
        let tables = try await WebTableData.current(services).registrations
            .filter { readable?.contains($0.id) ?? true }.map(\.id)
        return WebPage(
            template: "query", title: "Query", path: "/query", caller: caller,
            values: [
                "sql": sql, "max_limit": services.settings.query.maxLimit,
                "limit": min(1000, services.settings.query.maxLimit), "has_tables": !tables.isEmpty,
                "tables": tables.prefix(WebPaging.pageSize).map {
                    ["table_id": $0, "table_href": "/query?table=" + WebPage.pathSegment($0)]
                },
                "more_tables": tables.count > WebPaging.pageSize,
            ]
        ).response(instanceName: services.settings.instanceName)
    }

    static let templates: [String: String] = ["query": queryTemplate, "admin_index": adminIndexTemplate]

    static let queryTemplate = """
        {{<layout}}{{$content}}
        <h1>Query</h1>
        <p class="muted">SQL (DuckDB) on the tables you may read, run on the server in the same sandbox as <code>agnes query --remote</code>. Ctrl+Enter (Cmd+Enter) runs it.</p>
        <form id="query-console">
        <label for="sql">SQL</label>
        <textarea id="sql" name="sql" class="sql" spellcheck="false" autocapitalize="off" required>{{sql}}</textarea>
        <div class="actions"><label class="inline" for="limit">Row limit</label><input id="limit" class="short" name="limit" type="number" min="1" max="{{max_limit}}" value="{{limit}}"><button type="submit" class="primary">Run</button></div>
        </form>
        <p id="query-error" role="alert"></p>
        <div id="query-result" aria-live="polite"></div>
        {{#has_tables}}<details><summary>Tables you may query</summary><ul class="columns">{{#tables}}<li><a href="{{table_href}}"><code>{{table_id}}</code></a></li>{{/tables}}</ul>{{#more_tables}}<p class="muted">More in the <a href="/catalog">catalog</a>.</p>{{/more_tables}}</details>{{/has_tables}}
        {{/content}}{{/layout}}

        """

    static let adminIndexTemplate = """
        {{<layout}}{{$content}}
        <h1>Admin</h1>
        {{#has_sections}}<ul class="sections">{{#sections}}<li><a href="{{section_href}}">{{section_title}}</a> <span class="muted">{{section_summary}}</span></li>{{/sections}}</ul>{{/has_sections}}
        {{/content}}{{/layout}}

        """
}
