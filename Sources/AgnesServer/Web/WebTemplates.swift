import Mustache

/// The web UI's Mustache templates, parsed once when the server starts (``library``). Pages extend
/// `layout` (`{{<layout}}{{$content}}…{{/content}}{{/layout}}`). Values are always inserted with
/// `{{name}}`, which escapes `&`, `<`, `>` and quotes: the unescaped forms are never used, so no stored
/// text (a table description, a user's name) can become markup.
enum WebTemplates {
    /// Every template by name.
    static let sources: [String: String] = ["layout": layout, "dashboard": dashboard]

    /// The parsed templates; a template that does not parse stops the server at start-up (a test
    /// renders each one).
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, source) in sources {
            do {
                try library.register(source, named: name)
            } catch {
                preconditionFailure("the web template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    static let layout = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{page_title}} · {{instance_name}}</title>
        <link rel="stylesheet" href="{{stylesheet}}"></head>
        <body>
        <header><a class="brand" href="/dashboard">{{instance_name}}</a>
        {{#viewer}}<nav aria-label="Main"><ul>{{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}</ul></nav>
        <form method="post" action="/auth/logout"><button type="submit">Sign out</button></form>{{/viewer}}
        </header>
        <main id="main">
        {{$content}}{{/content}}
        </main>
        </body></html>

        """

    static let dashboard = """
        {{<layout}}{{$content}}
        <h1>Dashboard</h1>
        <p>Signed in as <strong>{{viewer.email}}</strong>{{#viewer.is_admin}} (admin){{/viewer.is_admin}}.</p>
        <div class="summary" role="status"><div><strong>{{table_count}}</strong> tables you may read</div><div><strong>{{attention_count}}</strong> need attention</div></div>
        <h2 id="tables-heading">Your tables</h2>
        {{#has_tables}}<div class="scroll"><table aria-labelledby="tables-heading">
        <thead><tr><th scope="col">Table</th><th scope="col">Source</th><th scope="col">Last sync</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Size</th><th scope="col">Status</th></tr></thead>
        <tbody>
        {{#tables}}<tr><td><code>{{table_id}}</code>{{#table_description}}<div class="muted">{{table_description}}</div>{{/table_description}}</td><td>{{table_source}}</td><td>{{table_last_sync}}</td><td class="num">{{table_rows}}</td><td class="num">{{table_size}}</td><td class="status-{{table_status_class}}">{{table_status}}{{#table_problem}}<div class="problem">{{table_problem}}</div>{{/table_problem}}</td></tr>
        {{/tables}}</tbody></table></div>{{/has_tables}}
        {{^has_tables}}<p class="muted">No tables yet: ask an admin to give one of your groups access to some.</p>{{/has_tables}}
        <h2>Set up a workspace</h2>
        <p>In a terminal, in an empty folder (a token comes from <code>agnes auth token create</code> or an admin):</p>
        <pre>{{install_command}}
        {{init_command}}
        agnes pull</pre>
        <h2 id="tokens-heading">Your tokens</h2>
        {{#has_tokens}}<div class="scroll"><table aria-labelledby="tokens-heading">
        <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th></tr></thead>
        <tbody>
        {{#tokens}}<tr><td>{{token_name}}</td><td><code>{{token_prefix}}</code></td><td>{{token_created}}</td><td>{{token_expires}}</td><td>{{token_last_used}}</td></tr>
        {{/tokens}}</tbody></table></div>{{/has_tokens}}
        {{^has_tokens}}<p class="muted">No personal access tokens.</p>{{/has_tokens}}
        {{/content}}{{/layout}}

        """
}
