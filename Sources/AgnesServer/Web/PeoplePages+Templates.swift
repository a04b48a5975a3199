/// The templates of ``PeoplePages``: `/profile`, `/tokens`, `/admin/tokens` and `/admin/access` here,
/// the user and group pages in `PeoplePages+AdminTemplates.swift`. Every value is inserted escaped.
extension PeoplePages {
    static let templates: [String: String] = [
        "profile": profileTemplate, "tokens": tokensTemplate, "admin_tokens": adminTokensTemplate,
        "admin_access": accessTemplate, "people_access": effectiveAccessTemplate, "admin_users": usersTemplate,
        "admin_user": userTemplate, "admin_groups": groupsTemplate, "admin_group": groupTemplate,
    ]

    /// What a user's groups were granted (a partial of `/profile` and `/admin/users/{id}`), after an
    /// `<h2 id="access-heading">`.
    static let effectiveAccessTemplate = """
        {{#access_is_admin}}<p class="note">An admin may reach every resource, whatever the groups below were granted.</p>{{/access_is_admin}}
        {{#has_access}}<p class="muted">{{access_count}} resources through groups.</p>{{> pager}}
        <div class="scroll"><table aria-labelledby="access-heading"><thead><tr><th scope="col">Type</th><th scope="col">Resource</th><th scope="col">Through</th></tr></thead><tbody>
        {{#access}}<tr><td>{{access_type}}</td><td><code>{{access_resource}}</code></td><td>{{#access_via}}{{#via_link}}<a class="chip" href="{{via_href}}">{{via_name}}</a>{{/via_link}}{{^via_link}}<span class="chip">{{via_name}}</span>{{/via_link}}{{/access_via}}</td></tr>
        {{/access}}</tbody></table></div>{{> pager}}{{/has_access}}
        {{^has_access}}<p class="muted">No group grants anything yet.</p>{{/has_access}}
        """

    static let profileTemplate = """
        {{<layout}}{{$content}}
        <h1>Profile</h1>
        <dl class="facts"><dt>Email</dt><dd>{{me_email}}</dd><dt>Name</dt><dd>{{me_name}}</dd><dt>Role</dt><dd>{{#me_is_admin}}Admin{{/me_is_admin}}{{^me_is_admin}}User{{/me_is_admin}}</dd><dt>Since</dt><dd>{{me_created}}</dd></dl>
        {{#me_sso}}<p class="muted">Google Workspace manages your account: sign in with Google.</p>{{/me_sso}}
        <h2>Your groups</h2>
        {{#has_memberships}}<ul class="plain">{{#memberships}}<li><span class="chip {{origin_class}}">{{member_group}}</span> <span class="muted">{{origin_text}} group · {{member_source}}</span></li>
        {{/memberships}}</ul>{{/has_memberships}}
        {{^has_memberships}}<p class="muted">You are in no group.</p>{{/has_memberships}}
        <h2 id="access-heading">What your groups may reach</h2>
        {{> people_access}}
        <h2>Tokens and sessions</h2>
        <p><a href="/tokens">Your personal access tokens</a> <span class="muted">({{me_token_count}} active)</span></p>
        <form method="post" action="/auth/logout/everywhere" data-confirm="Sign out of every browser and device? Personal access tokens keep working."><p class="muted">Ends every session of yours, this one included.</p><button type="submit" class="danger">Sign out everywhere</button></form>
        {{/content}}{{/layout}}

        """

    static let tokensTemplate = """
        {{<layout}}{{$content}}
        <p><a href="/profile">Profile</a></p>
        <h1>Your tokens</h1>
        <p class="muted">A personal access token signs the CLI in as you (<code>agnes init --token …</code>).</p>
        {{#may_create}}<h2>Create a token</h2>
        <form data-api="/auth/tokens" data-then="reveal:token" data-done="Created. Copy the token now: it is not shown again. Reload to see it in the list.">
        <label for="token-name">Name</label><input id="token-name" name="name" type="text" required maxlength="100" placeholder="laptop">
        <label for="token-expiry">Expires after</label><select id="token-expiry" name="expires_in_days" data-type="json">{{#lifetimes}}<option value="{{option_value}}"{{#option_selected}} selected{{/option_selected}}>{{option_text}}</option>{{/lifetimes}}</select>
        <div class="actions"><button type="submit" class="primary">Create</button></div>
        <pre data-reveal class="reveal hidden"></pre>
        <p data-result></p>
        </form>{{/may_create}}
        {{^may_create}}<p class="muted">Tokens are created in a browser session, not with a token.</p>{{/may_create}}
        <h2 id="tokens-heading">Tokens</h2>
        {{#has_tokens}}{{> pager}}<div class="scroll"><table aria-labelledby="tokens-heading">
        <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Revoke</span></th></tr></thead>
        <tbody>
        {{#tokens}}<tr><td>{{token_name}}</td><td><code>{{token_prefix}}</code></td><td>{{token_created}}</td><td>{{token_expires}}</td><td>{{token_last_used}}</td><td class="status-{{token_status_class}}">{{token_status}}</td><td>{{#token_live}}<form data-api="{{token_revoke_api}}" data-method="DELETE" data-confirm="Revoke the token “{{token_name}}”? Whatever uses it stops working." data-then="reload"><button type="submit" class="danger" aria-label="Revoke {{token_name}}">Revoke</button><p data-result></p></form>{{/token_live}}</td></tr>
        {{/tokens}}</tbody></table></div>{{> pager}}{{/has_tokens}}
        {{^has_tokens}}<p class="muted">No personal access tokens.</p>{{/has_tokens}}
        {{/content}}{{/layout}}

        """

    static let adminTokensTemplate = """
        {{<layout}}{{$content}}
        <p><a href="/admin">Admin</a></p>
        <h1>Tokens</h1>
        <form method="get" action="/admin/tokens" role="search"><label for="token-user">Owner (email or user id)</label>
        <input id="token-user" name="user" type="search" value="{{user_filter}}"> <button type="submit">Show</button>{{#has_filter}} <a href="/admin/tokens">Every user's</a>{{/has_filter}}</form>
        <p class="muted" role="status">{{shown}} tokens{{#has_filter}} of {{filter_email}}{{/has_filter}}, revoked and expired ones included.</p>
        {{#has_tokens}}{{> pager}}<div class="scroll"><table>
        <thead><tr><th scope="col">Owner</th><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Revoke</span></th></tr></thead>
        <tbody>
        {{#tokens}}<tr><td><a href="{{token_owner_href}}">{{token_owner}}</a></td><td>{{token_name}}</td><td><code>{{token_prefix}}</code></td><td>{{token_created}}</td><td>{{token_expires}}</td><td>{{token_last_used}}</td><td class="status-{{token_status_class}}">{{token_status}}</td><td>{{#token_live}}<form data-api="{{token_revoke_api}}" data-method="DELETE" data-confirm="Revoke {{token_owner}}'s token “{{token_name}}”?" data-then="reload"><button type="submit" class="danger" aria-label="Revoke {{token_name}} of {{token_owner}}">Revoke</button><p data-result></p></form>{{/token_live}}</td></tr>
        {{/tokens}}</tbody></table></div>{{> pager}}{{/has_tokens}}
        {{^has_tokens}}<p class="muted">No tokens.</p>{{/has_tokens}}
        {{/content}}{{/layout}}

        """

    static let accessTemplate = """
        {{<layout}}{{$content}}
        <p><a href="/admin">Admin</a></p>
        <h1>Access</h1>
        <p class="muted">A ticked box: the group of its column may reach the resource of its row. A change is saved at once. Admins reach everything anyway.</p>
        <form method="get" action="/admin/access" role="search"><label for="access-type">Type</label>
        <select id="access-type" name="type"><option value="">All types</option>{{#type_options}}<option value="{{option_value}}"{{#option_selected}} selected{{/option_selected}}>{{option_text}}</option>{{/type_options}}</select>
        <label for="access-q">Resource</label><input id="access-q" name="q" type="search" value="{{query}}" placeholder="id or name"> <button type="submit">Filter</button></form>
        <p class="muted">{{shown}} resources{{#has_query}} matching “{{query}}”{{/has_query}}.</p>
        <p id="matrix-status" role="status" class="note"></p>
        {{^has_groups}}<p class="muted">There are no groups yet: <a href="/admin/groups">create one</a>.</p>{{/has_groups}}
        {{#has_groups}}{{> pager}}
        {{#sections}}<h2>{{section_title}}</h2>
        <div class="scroll"><table class="matrix"><thead><tr><th scope="col">Resource</th>{{#matrix_groups}}<th scope="col"><a href="{{mgroup_href}}">{{mgroup_name}}</a></th>{{/matrix_groups}}</tr></thead>
        {{#section_blocks}}<tbody>{{#has_block_name}}<tr><th scope="rowgroup" colspan="{{matrix_span}}" class="block">{{block_name}}</th></tr>{{/has_block_name}}
        {{#block_rows}}<tr><th scope="row"><code>{{row_id}}</code>{{#has_row_name}}<div class="muted">{{row_name}}</div>{{/has_row_name}}</th>{{#row_cells}}<td class="cell"><label class="sr-only" for="{{cell_id}}">{{cell_label}}</label><input type="checkbox" id="{{cell_id}}" data-api-on="/api/admin/grants" data-api-off="/api/admin/grants/{id}" data-body="{{cell_body}}" data-id="{{cell_grant}}" data-say="matrix-status"{{#cell_on}} checked{{/cell_on}}></td>{{/row_cells}}</tr>
        {{/block_rows}}</tbody>{{/section_blocks}}</table></div>
        {{/sections}}
        {{^has_resources}}<p class="muted">No resource{{#has_query}} matches{{/has_query}}.</p>{{/has_resources}}
        {{> pager}}
        <h2>Grant by id</h2>
        <p class="muted">For a resource not listed yet: a table before its first sync, a plugin of a marketplace to come.</p>
        <form data-api="/api/admin/grants" data-then="reload">
        <label for="grant-group">Group</label><select id="grant-group" name="group_id">{{#group_options}}<option value="{{option_value}}">{{option_text}}</option>{{/group_options}}</select>
        <label for="grant-type">Type</label><select id="grant-type" name="resource_type">{{#type_options}}<option value="{{option_value}}">{{option_text}} ({{option_format}})</option>{{/type_options}}</select>
        <label for="grant-resource">Resource id</label><input id="grant-resource" name="resource_id" type="text" required>
        <div class="actions"><button type="submit" class="primary">Grant</button></div><p data-result></p>
        </form>{{/has_groups}}
        {{/content}}{{/layout}}

        """
}
