import Mustache

/// The web UI's Mustache templates, parsed once when the server starts (``library``). Pages extend
/// `layout` (`{{<layout}}{{$content}}…{{/content}}{{/layout}}`). Values are always inserted with
/// `{{name}}`, which escapes `&`, `<`, `>` and quotes: the unescaped forms are never used, so no stored
/// text (a table description, a user's name) can become markup.
enum WebTemplates {
    /// Every template by name.
    static let sources: [String: String] = [
        "layout": layout, "message": message, "dashboard": dashboard, "catalog": catalog,
        "catalog_table": catalogTable, "pager": WebPaging.template,
    ].merging(ConsolePages.templates) { first, _ in first }
        .merging(TablePages.templates) { first, _ in first }
        .merging(SettingsPages.templates) { first, _ in first }
        .merging(PeoplePages.templates) { first, _ in first }
        .merging(MemoryPages.templates) { first, _ in first }

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
        <link rel="stylesheet" href="{{stylesheet}}"><script src="{{script}}" defer></script></head>
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
        {{#has_tables}}{{> pager}}<div class="scroll"><table aria-labelledby="tables-heading">
        <thead><tr><th scope="col">Table</th><th scope="col">Source</th><th scope="col">Last sync</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Size</th><th scope="col">Status</th></tr></thead>
        <tbody>
        {{#tables}}<tr><td><code>{{table_id}}</code>{{#table_description}}<div class="muted">{{table_description}}</div>{{/table_description}}</td><td>{{table_source}}</td><td>{{table_last_sync}}</td><td class="num">{{table_rows}}</td><td class="num">{{table_size}}</td><td class="status-{{table_status_class}}">{{table_status}}{{#table_problem}}<div class="problem">{{table_problem}}</div>{{/table_problem}}</td></tr>
        {{/tables}}</tbody></table></div>{{> pager}}{{/has_tables}}
        {{^has_tables}}<p class="muted">No tables yet: ask an admin to give one of your groups access to some.</p>{{/has_tables}}
        <h2>Set up a workspace</h2>
        <p>The easiest way: paste <a href="/setup">the setup prompt</a> into Claude Code. Or in a terminal, in an empty folder (a token comes from <a href="/tokens">your tokens</a>):</p>
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
        <p><a href="/tokens">Create or revoke tokens</a></p>
        {{/content}}{{/layout}}

        """

    static let message = """
        {{<layout}}{{$content}}
        <h1>{{page_title}}</h1>
        <p>{{message_text}}</p>
        <p><a href="/dashboard">Back to the dashboard</a></p>
        {{/content}}{{/layout}}

        """

    static let catalog = """
        {{<layout}}{{$content}}
        <h1>Catalog</h1>
        <form method="get" action="/catalog" role="search"><label for="q">Find a table</label>
        <input id="q" name="q" type="search" value="{{query}}" placeholder="name or description"> <button type="submit">Search</button></form>
        <p class="muted" role="status">{{shown}} tables{{#has_query}} matching “{{query}}”{{/has_query}}.</p>
        {{> pager}}
        {{#groups}}<h2>{{group_name}}</h2>
        <div class="scroll"><table><thead><tr><th scope="col">Table</th><th scope="col">Mode</th><th scope="col" class="num">Rows</th></tr></thead><tbody>
        {{#group_tables}}<tr><td><a href="{{table_href}}"><code>{{table_id}}</code></a>{{#table_description}}<div class="muted">{{table_description}}</div>{{/table_description}}</td><td>{{table_mode}}</td><td class="num">{{table_rows}}</td></tr>
        {{/group_tables}}</tbody></table></div>
        {{/groups}}
        {{^has_tables}}<p class="muted">No table{{#has_query}} matches{{/has_query}}.</p>{{/has_tables}}
        {{> pager}}
        {{/content}}{{/layout}}

        """

    static let catalogTable = """
        {{<layout}}{{$content}}
        <p><a href="/catalog">Catalog</a></p>
        <h1><code>{{table_id}}</code></h1>
        {{#table_description}}<p>{{table_description}}</p>{{/table_description}}
        <p class="muted">Query mode: {{table_mode}} · <a href="{{query_href}}">Query this table</a></p>
        {{#can_edit}}<details><summary>Edit the description</summary>
        <form data-api="{{table_api}}" data-method="PUT" data-then="reload">
        <label for="table-description">Description</label>
        <textarea id="table-description" name="description">{{table_description_text}}</textarea>
        <div class="actions"><button type="submit" class="primary">Save</button></div><p data-result></p>
        </form></details>{{/can_edit}}
        {{#has_metrics}}<h2>Metrics that use it</h2>
        <ul>{{#metrics}}<li><strong>{{metric_name}}</strong> <code class="muted">{{metric_id}}</code>{{#metric_description}} · {{metric_description}}{{/metric_description}}</li>{{/metrics}}</ul>{{/has_metrics}}
        {{#profile}}
        <div class="summary"><div><strong>{{rows}}</strong> rows</div><div><strong>{{column_count}}</strong> columns</div><div><strong>{{completeness}}</strong> complete</div></div>
        {{#sampled}}<p class="muted">Profiled on a sample of the rows.</p>{{/sampled}}
        {{#alerts}}<p class="problem">{{alert_text}}</p>{{/alerts}}
        <h2>Columns</h2>
        {{#columns}}<section class="column" aria-label="{{column_name}}">
        <h3><code>{{column_name}}</code> <span class="muted">{{column_type}}</span></h3>
        {{#column_description}}<p>{{column_description}}</p>{{/column_description}}{{#column_tags}}<p><span class="chip">{{column_tags}}</span></p>{{/column_tags}}
        {{#can_edit}}<details><summary>Edit the column's description</summary>
        <form data-api="{{metadata_api}}" data-then="reload">
        <input type="hidden" name="columns.0.column_name" value="{{column_name}}">
        <label for="column-{{column_index}}">Description of {{column_name}}</label>
        <textarea id="column-{{column_index}}" name="columns.0.description">{{column_description_text}}</textarea>
        <div class="actions"><button type="submit" class="primary">Save</button></div><p data-result></p>
        </form></details>{{/can_edit}}
        <p><svg class="meter" viewBox="0 0 100 8" width="100" height="8" role="img" aria-label="{{column_complete_text}} complete"><rect class="track" width="100" height="8"></rect><rect width="{{column_complete_width}}" height="8"></rect></svg> {{column_complete_text}} complete · {{column_unique}} distinct{{#column_range}} · {{column_range}}{{/column_range}}{{#column_alerts}} · <span class="problem">{{column_alerts}}</span>{{/column_alerts}}</p>
        {{#chart}}<figure><svg class="chart" viewBox="0 0 {{chart_width}} {{chart_height}}" role="img" aria-label="{{chart_label}}">{{#bars}}<rect x="{{bar_x}}" y="{{bar_y}}" width="{{bar_width}}" height="{{bar_height}}"><title>{{bar_tip}}</title></rect>{{/bars}}</svg><figcaption class="muted">{{chart_first}} … {{chart_last}}</figcaption></figure>{{/chart}}
        {{#has_top_values}}<table class="top"><tbody>{{#top_values}}<tr><td>{{top_value}}</td><td class="num">{{top_count}}</td><td><svg class="meter" viewBox="0 0 100 8" width="100" height="8" role="img" aria-label="{{top_pct}}"><rect class="track" width="100" height="8"></rect><rect width="{{top_width}}" height="8"></rect></svg> {{top_pct}}</td></tr>{{/top_values}}</tbody></table>{{/has_top_values}}
        </section>
        {{/columns}}
        {{#has_samples}}<h2>Sample rows</h2>
        <div class="scroll"><table><thead><tr>{{#sample_header}}<th scope="col">{{sample_name}}</th>{{/sample_header}}</tr></thead><tbody>
        {{#sample_rows}}<tr>{{#sample_cells}}<td>{{sample_cell}}</td>{{/sample_cells}}</tr>{{/sample_rows}}</tbody></table></div>{{/has_samples}}
        {{/profile}}
        {{^profile}}<p class="muted">No profile yet: tables are profiled after they sync.</p>{{/profile}}
        {{/content}}{{/layout}}

        """
}
