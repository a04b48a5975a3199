/// The templates of ``TablePages``, ``SyncRunPages`` and ``SchedulerPage``. Actions are forms for
/// ``WebScript`` (`data-api`): a failure shows the API's `detail` in the form.
extension TablePages {
    static let templates: [String: String] = [
        "admin_tables": list, "admin_table_new": new, "admin_table": edit, "table_fields": fields,
        "table_actions": actions, "admin_sync_runs": syncRuns, "admin_sync_run": syncRun,
        "admin_scheduler": scheduler,
    ]

    /// Sync now and Delete, for one table (`table_id`, `table_api`).
    static let actions = """
        <form class="inline" data-api="/api/sync/trigger" data-send="tables" data-then="/admin/sync-runs?run={run_id}#run-{run_id}"><input type="hidden" name="tables" data-type="list" value="{{table_id}}"><button type="submit">Sync now</button></form>
        <form class="inline" data-api="{{table_api}}" data-method="DELETE" data-confirm="Delete the table {{table_id}}? Its data files, sync state, history and grants go too." data-then="/admin/tables"><button type="submit" class="danger">Delete</button></form>
        """

    static let list = """
        {{<layout}}{{$content}}
        <p><a href="/admin">Admin</a></p>
        <h1>Tables</h1>
        <div class="actions"><a class="button" href="/admin/tables/new">Register a table</a><a href="/admin/sync-runs">Sync runs</a><a href="/admin/scheduler">Scheduler</a></div>
        <form method="get" action="/admin/tables" role="search"><label for="q">Find a table</label>
        <input id="q" name="q" type="search" value="{{query}}" placeholder="id, name, source, bucket or description"> <button type="submit">Search</button></form>
        <p class="muted" role="status">{{shown}} tables{{#has_query}} matching “{{query}}”{{/has_query}}.</p>
        {{#has_tables}}{{> pager}}<div class="scroll"><table aria-label="Registered tables">
        <thead><tr><th scope="col">Table</th><th scope="col">Source</th><th scope="col">Mode</th><th scope="col">Strategy</th><th scope="col">Schedule</th><th scope="col">Last sync</th><th scope="col" class="num">Rows</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
        <tbody>
        {{#tables}}<tr><td><a href="{{table_href}}"><code>{{table_id}}</code></a>{{#table_name}}<div>{{table_name}}</div>{{/table_name}}{{#table_description}}<div class="muted">{{table_description}}</div>{{/table_description}}</td><td>{{table_source_type}}{{#table_origin}}<div class="muted">{{table_origin}}</div>{{/table_origin}}</td><td>{{table_mode}}</td><td>{{table_strategy}}</td><td>{{table_schedule}}</td><td>{{table_last_sync}}</td><td class="num">{{table_rows}}</td><td class="status-{{table_status_class}}">{{table_status}}{{#table_problem}}<div class="problem">{{table_problem}}</div>{{/table_problem}}</td><td><a class="button" href="{{table_href}}">Edit</a> {{> table_actions}}</td></tr>
        {{/tables}}</tbody></table></div>{{> pager}}{{/has_tables}}
        {{^has_tables}}<p class="muted">No table{{#has_query}} matches{{/has_query}}{{^has_query}} is registered yet{{/has_query}}.</p>{{/has_tables}}
        {{/content}}{{/layout}}

        """

    /// The registration fields (`fields`: ``TableSourceForm/fieldValues(_:)``).
    static let fields = """
        <label for="name">Name</label>
        <input id="name" name="name" type="text" required maxlength="200" autocomplete="off" value="{{field_name}}" aria-describedby="name-hint">
        <p id="name-hint" class="muted">The table's id is its name in lower case with spaces as underscores: letters, digits and underscores, starting with a letter.</p>
        {{#bucket}}<label for="bucket">{{bucket_label}}</label><input id="bucket" name="bucket" type="text" autocomplete="off" value="{{field_bucket}}">{{/bucket}}
        {{#source_table}}<label for="source_table">{{source_table_label}}</label><input id="source_table" name="source_table" type="text" autocomplete="off" value="{{field_source_table}}">{{/source_table}}
        {{#has_modes}}<label for="query_mode">Query mode</label><select id="query_mode" name="query_mode">{{#modes}}<option value="{{mode}}"{{#mode_selected}} selected{{/mode_selected}}>{{mode}}</option>{{/modes}}</select>
        <p class="muted">local: copied here and served as Parquet · remote: queried at the source · materialized: made by the SQL below, run at the source.</p>{{/has_modes}}
        {{^has_modes}}<input type="hidden" name="query_mode" value="{{only_mode}}">{{/has_modes}}
        {{#sql}}<label for="source_query">SQL (materialized tables)</label><textarea id="source_query" name="source_query" class="sql" spellcheck="false" autocapitalize="off">{{field_query}}</textarea>{{/sql}}
        {{#keys}}{{#has_strategies}}<label for="sync_strategy">Sync strategy</label><select id="sync_strategy" name="sync_strategy">{{#strategies}}<option value="{{strategy}}"{{#strategy_selected}} selected{{/strategy_selected}}>{{strategy}}</option>{{/strategies}}</select>{{/has_strategies}}
        {{^has_strategies}}<input type="hidden" name="sync_strategy" value="{{only_strategy}}">{{/has_strategies}}
        <label for="primary_key">Primary key</label><input id="primary_key" name="primary_key" type="text" data-type="list" autocomplete="off" value="{{field_primary_key}}" placeholder="column names, comma-separated">
        {{#has_partition}}<label for="partition_by">Partition column (partitioned tables)</label><input id="partition_by" name="partition_by" type="text" autocomplete="off" value="{{field_partition_by}}">{{/has_partition}}{{/keys}}
        <label for="sync_schedule">Schedule</label><input id="sync_schedule" name="sync_schedule" type="text" autocomplete="off" value="{{field_schedule}}" placeholder="every 6h, daily 03:00 or weekly mon 05:00 (UTC); empty: with every sync run">
        <label for="description">Description</label><textarea id="description" name="description">{{field_description}}</textarea>
        <label for="folder">Folder</label><input id="folder" name="folder" type="text" autocomplete="off" value="{{field_folder}}">
        <p><input id="profile_after_sync" name="profile_after_sync" type="checkbox"{{#field_profile}} checked{{/field_profile}}><label class="inline" for="profile_after_sync">Profile the table after each sync</label></p>
        """

    static let new = """
        {{<layout}}{{$content}}
        <p><a href="/admin/tables">Tables</a></p>
        <h1>Register a table</h1>
        <nav aria-label="Source types"><ul class="sections">{{#sources}}<li><a href="{{source_href}}"{{#source_current}} aria-current="page"{{/source_current}}>{{source_label}}</a> <span class="muted">{{source_summary}}</span>{{^source_configured}} <span class="chip">not configured</span>{{/source_configured}}</li>{{/sources}}</ul></nav>
        {{#form}}
        <h2>{{source_label}}</h2>
        {{^source_configured}}<p class="problem" role="alert">{{not_configured}}</p>{{/source_configured}}
        <form id="register-table" data-api="/api/admin/register-table" data-then="/admin/tables/{id}">
        <input type="hidden" name="source_type" value="{{source_type}}">
        {{#pickers}}<label for="{{picker_id}}">{{picker_label}}</label><select id="{{picker_id}}" aria-describedby="{{picker_id}}-status" data-discover="{{picker_url}}" data-items="{{picker_items}}" data-text="{{picker_text}}" data-fill="{{picker_fill}}" data-group="{{picker_group}}" data-disable="{{picker_disable}}"><option value="">Choose…</option></select>
        <p id="{{picker_id}}-status" class="note" role="status"></p>
        {{/pickers}}
        {{#fields}}{{> table_fields}}{{/fields}}
        <div class="actions"><button type="submit" data-api="/api/admin/register-table/precheck" data-then="show:precheck" data-done="Valid: nothing was registered yet.">Check</button><button type="submit" class="primary">Register</button></div>
        <div id="precheck" class="card hidden" aria-live="polite"><h3>Precheck</h3><p data-key="table.note"></p>
        <p class="muted">Id <code data-key="table.id"></code> · rows <span data-key="table.rows"></span> · bytes <span data-key="table.size_bytes"></span></p>
        <p>Columns: <span data-key="table.columns"></span></p></div>
        </form>
        {{/form}}
        {{/content}}{{/layout}}

        """

    static let edit = """
        {{<layout}}{{$content}}
        <p><a href="/admin/tables">Tables</a></p>
        <h1><code>{{table_id}}</code></h1>
        <p class="muted">{{table_source_type}}{{#table_origin}} · {{table_origin}}{{/table_origin}} · {{table_mode}}{{#table_registered}} · registered by {{table_registered}}{{/table_registered}} · <a href="{{table_catalog_href}}">catalog</a></p>
        <div class="summary" role="status"><div>Last sync <strong>{{table_last_sync}}</strong></div><div><strong>{{table_rows}}</strong> rows</div><div><strong>{{table_size}}</strong></div><div class="status-{{table_status_class}}"><strong>{{table_status}}</strong></div></div>
        {{#table_problem}}<p class="problem">{{table_problem}}</p>{{/table_problem}}
        <div class="actions">{{> table_actions}}</div>
        <h2>Registration</h2>
        <form id="edit-table" data-api="{{table_api}}" data-method="PUT" data-changed data-then="reload">
        {{#fields}}{{> table_fields}}{{/fields}}
        <div class="actions"><button type="submit" class="primary">Save changes</button></div>
        </form>
        <h2 id="history-heading">Recent sync runs</h2>
        {{#has_history}}<div class="scroll"><table aria-labelledby="history-heading"><thead><tr><th scope="col">When</th><th scope="col">Run</th><th scope="col">Outcome</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Took</th></tr></thead><tbody>
        {{#history}}<tr><td>{{history_when}}</td><td>{{#history_run}}<a href="{{history_run_href}}"><code>{{history_run}}</code></a>{{/history_run}}</td><td class="status-{{outcome_class}}">{{outcome_kind}}{{#outcome_reason}}<div class="muted">{{outcome_reason}}</div>{{/outcome_reason}}</td><td class="num">{{outcome_rows}}</td><td class="num">{{outcome_duration}}</td></tr>
        {{/history}}</tbody></table></div>{{/has_history}}
        {{^has_history}}<p class="muted">No sync run has taken this table up yet.</p>{{/has_history}}
        {{/content}}{{/layout}}

        """

    /// One table's outcome in a run (a row of `outcomes`).
    static let outcomeRow = """
        <tr><td><a href="{{outcome_href}}"><code>{{outcome_table}}</code></a></td><td>{{outcome_source}}</td><td class="status-{{outcome_class}}">{{outcome_kind}}{{#outcome_reason}}<div class="muted">{{outcome_reason}}</div>{{/outcome_reason}}</td><td class="num">{{outcome_rows}}</td><td class="num">{{outcome_duration}}</td></tr>
        """

    static let outcomeHead = """
        <thead><tr><th scope="col">Table</th><th scope="col">Source</th><th scope="col">Outcome</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Took</th></tr></thead>
        """

    static let runSummary = """
        <p><span class="status-{{run_status_class}}"><strong>{{run_status}}</strong></span> · {{run_trigger}} · queued {{run_queued}} ({{run_queued_ago}}){{#run_duration}} · took {{run_duration}}{{/run_duration}}{{#run_generation}} · generation {{run_generation}}{{/run_generation}}</p>
        <p class="muted">Tables asked for: {{run_tables}}{{#run_counts}} · {{run_counts}}{{/run_counts}}</p>
        {{#run_error}}<p class="problem">{{run_error}}</p>{{/run_error}}
        """

    static let syncRuns = """
        {{<layout}}{{$content}}
        <p><a href="/admin">Admin</a></p>
        <h1>Sync runs</h1>
        <form data-api="/api/sync/trigger" data-send="" data-then="/admin/sync-runs?run={run_id}#run-{run_id}"><div class="actions"><button type="submit">Sync every due table now</button></div></form>
        {{#has_runs}}{{> pager}}
        {{#runs}}<section class="card" id="{{run_anchor}}" aria-label="Sync run {{run_id}}">
        <h2><a href="{{run_href}}"><code>{{run_id}}</code></a></h2>
        \(runSummary)
        {{#has_outcomes}}<details{{#run_has_failures}} open{{/run_has_failures}}><summary>Tables it took up</summary><div class="scroll"><table>\(outcomeHead)<tbody>
        {{#outcomes}}\(outcomeRow)
        {{/outcomes}}</tbody></table></div>{{#more_outcomes}}<p><a href="{{run_href}}">Every table of this run</a></p>{{/more_outcomes}}</details>{{/has_outcomes}}
        </section>
        {{/runs}}{{> pager}}{{/has_runs}}
        {{^has_runs}}<p class="muted">No sync run yet.</p>{{/has_runs}}
        {{/content}}{{/layout}}

        """

    static let syncRun = """
        {{<layout}}{{$content}}
        <p><a href="/admin/sync-runs">Sync runs</a></p>
        <h1>Sync run <code>{{run_id}}</code></h1>
        \(runSummary)
        {{#has_outcomes}}{{> pager}}<div class="scroll"><table aria-label="Outcomes">\(outcomeHead)<tbody>
        {{#outcomes}}\(outcomeRow)
        {{/outcomes}}</tbody></table></div>{{> pager}}{{/has_outcomes}}
        {{^has_outcomes}}<p class="muted">No table outcome recorded{{^run_duration}} yet{{/run_duration}}.</p>{{/has_outcomes}}
        {{/content}}{{/layout}}

        """

    static let scheduler = """
        {{<layout}}{{$content}}
        <p><a href="/admin">Admin</a></p>
        <h1>Scheduler</h1>
        <p>Driven by <strong>{{driver}}</strong>. <span class="muted">{{driver_note}} Server time {{server_time}}.</span></p>
        <div class="scroll"><table aria-label="Jobs"><thead><tr><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col">State</th><th scope="col">Next run</th><th scope="col">Last run</th><th scope="col">Run now</th></tr></thead><tbody>
        {{#jobs}}<tr><td><code>{{job_name}}</code>{{#job_running}} <span class="chip">running</span>{{/job_running}}{{#job_due}} <span class="chip">due</span>{{/job_due}}</td><td>{{job_schedule}}</td><td class="status-{{job_state_class}}">{{job_state}}{{#job_detail}}<div class="muted">{{job_detail}}</div>{{/job_detail}}</td><td>{{job_next}}</td><td>{{job_last}}{{#job_last_status}} · <span class="status-{{job_last_class}}">{{job_last_status}}</span>{{/job_last_status}}{{#job_last_duration}} · {{job_last_duration}}{{/job_last_duration}}{{#job_last_detail}}<div class="muted">{{job_last_detail}}</div>{{/job_last_detail}}</td><td>{{#job_can_run}}<form data-api="{{job_run_api}}" data-then="reload"><button type="submit">Run now</button></form>{{/job_can_run}}</td></tr>
        {{/jobs}}</tbody></table></div>
        {{/content}}{{/layout}}

        """
}
