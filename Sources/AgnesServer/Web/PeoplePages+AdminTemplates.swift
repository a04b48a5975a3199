/// The templates of `/admin/users`, `/admin/users/{id}`, `/admin/groups` and `/admin/groups/{id}`.
extension PeoplePages {
    static let usersTemplate = """
        {{<layout}}{{$content}}
        <p><a href="/admin">Admin</a></p>
        <h1>Users</h1>
        <form method="get" action="/admin/users" role="search"><label for="q">Find a user</label>
        <input id="q" name="q" type="search" value="{{query}}" placeholder="email or name"> <button type="submit">Search</button></form>
        <p class="muted" role="status">{{shown}} users{{#has_query}} matching “{{query}}”{{/has_query}}.</p>
        {{#has_users}}{{> pager}}<div class="scroll"><table>
        <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Groups</th><th scope="col">Status</th></tr></thead>
        <tbody>
        {{#users}}<tr><td><a href="{{user_href}}">{{user_email}}</a></td><td>{{user_name}}</td><td>{{#user_groups}}<a class="chip {{origin_class}}" href="{{chip_href}}" title="{{origin_text}} group">{{chip_name}}</a>{{/user_groups}}</td><td>{{#user_active}}<span class="status-ok">active</span>{{/user_active}}{{^user_active}}<span class="status-failed">deactivated</span>{{/user_active}}</td></tr>
        {{/users}}</tbody></table></div>{{> pager}}{{/has_users}}
        {{^has_users}}<p class="muted">No user{{#has_query}} matches{{/has_query}}.</p>{{/has_users}}
        <h2>Create a user</h2>
        <form data-api="/api/users" data-then="/admin/users/{id}">
        <label for="new-email">Email</label><input id="new-email" name="email" type="email" required autocomplete="off">
        <label for="new-name">Name</label><input id="new-name" name="name" type="text" placeholder="the email's local part when blank">
        <p><input id="new-invite" name="send_invite" type="checkbox"><label class="inline" for="new-invite">Mail an invite: a link to choose a password (when mail is configured; otherwise make a link on the user's page)</label></p>
        <div class="actions"><button type="submit" class="primary">Create</button></div><p data-result></p>
        </form>
        {{/content}}{{/layout}}

        """

    static let userTemplate = """
        {{<layout}}{{$content}}
        <p><a href="/admin/users">Users</a></p>
        <h1>{{user_email}}</h1>
        <p>{{#user_active}}<span class="chip status-ok">active</span>{{/user_active}}{{^user_active}}<span class="chip status-failed">deactivated {{user_deactivated}}</span>{{/user_active}}{{#user_is_admin}}<span class="chip">admin</span>{{/user_is_admin}}{{#user_sso}}<span class="chip origin-google">managed by Google Workspace</span>{{/user_sso}}{{#user_is_self}}<span class="chip">you</span>{{/user_is_self}}</p>
        <dl class="facts"><dt>Name</dt><dd>{{user_name_shown}}</dd><dt>Created</dt><dd>{{user_created}}</dd><dt>Password</dt><dd>{{#user_has_password}}set{{/user_has_password}}{{^user_has_password}}none{{/user_has_password}}</dd><dt>Tokens</dt><dd><a href="{{user_tokens_href}}">{{user_token_count}} active</a></dd></dl>
        <h2>Account</h2>
        <form data-api="{{user_api}}" data-method="PATCH" data-then="reload"><label for="user-name">Name</label><input id="user-name" name="name" type="text" value="{{user_name}}" required>
        <div class="actions"><button type="submit">Rename</button></div><p data-result></p></form>
        {{#may_deactivate}}<form data-api="{{user_api}}/deactivate" data-confirm="Deactivate {{user_email}}? They are signed out and cannot sign in." data-then="reload"><div class="actions"><button type="submit" class="danger">Deactivate</button></div><p data-result></p></form>{{/may_deactivate}}
        {{^user_active}}<form data-api="{{user_api}}/activate" data-then="reload"><div class="actions"><button type="submit">Activate</button></div><p data-result></p></form>{{/user_active}}
        {{#may_set_password}}<h2>Password</h2>
        <form data-api="{{user_api}}/reset-password" data-then="reveal:reset_url" data-done="A reset link was made, and mailed when mail is configured. Pass it on if need be: it is not shown again."><p class="muted">A link with which they choose a new password.</p>
        <div class="actions"><button type="submit">Make a reset link</button></div><pre data-reveal class="reveal hidden"></pre><p data-result></p></form>
        <form data-api="{{user_api}}/set-password" data-done="The password is set."><label for="user-password">New password</label><input id="user-password" name="password" type="password" minlength="8" autocomplete="new-password" required>
        <div class="actions"><button type="submit">Set the password</button></div><p data-result></p></form>{{/may_set_password}}
        {{^may_set_password}}<p class="muted">Google Workspace manages this account: its password cannot be set here.</p>{{/may_set_password}}
        <h2 id="groups-heading">Groups</h2>
        {{#has_memberships}}<div class="scroll"><table aria-labelledby="groups-heading">
        <thead><tr><th scope="col">Group</th><th scope="col">Origin</th><th scope="col">Membership</th><th scope="col">Added</th><th scope="col"><span class="sr-only">Remove</span></th></tr></thead><tbody>
        {{#memberships}}<tr><td><a href="{{member_href}}">{{member_group}}</a></td><td><span class="chip {{origin_class}}">{{origin_text}}</span></td><td>{{member_source}}</td><td>{{member_added}}</td><td>{{#member_removable}}<form data-api="{{member_remove_api}}" data-method="DELETE" data-confirm="Remove {{user_email}} from {{member_group}}?" data-then="reload"><button type="submit" class="danger" aria-label="Remove from {{member_group}}">Remove</button><p data-result></p></form>{{/member_removable}}</td></tr>
        {{/memberships}}</tbody></table></div>{{/has_memberships}}
        {{^has_memberships}}<p class="muted">In no group.</p>{{/has_memberships}}
        {{#has_join_options}}<form data-api="{{memberships_api}}" data-then="reload"><label for="join-group">Add to a group</label><select id="join-group" name="group_id">{{#join_options}}<option value="{{option_value}}">{{option_text}}</option>{{/join_options}}</select>
        <div class="actions"><button type="submit">Add</button></div><p data-result></p></form>{{/has_join_options}}
        <h2 id="access-heading">What their groups may reach</h2>
        {{> people_access}}
        {{#may_delete}}<h2>Delete</h2>
        <form data-api="{{user_api}}" data-method="DELETE" data-confirm="Delete {{user_email}}? This cannot be undone." data-then="/admin/users"><div class="actions"><button type="submit" class="danger">Delete the user</button></div><p data-result></p></form>{{/may_delete}}
        {{/content}}{{/layout}}

        """

    static let groupsTemplate = """
        {{<layout}}{{$content}}
        <p><a href="/admin">Admin</a></p>
        <h1>Groups</h1>
        {{#has_groups}}<div class="scroll"><table>
        <thead><tr><th scope="col">Group</th><th scope="col">Origin</th><th scope="col" class="num">Members</th><th scope="col" class="num">Grants</th></tr></thead><tbody>
        {{#groups}}<tr><td><a href="{{group_href}}">{{group_name}}</a>{{#has_description}}<div class="muted">{{group_description}}</div>{{/has_description}}</td><td><span class="chip {{origin_class}}">{{origin_text}}</span></td><td class="num">{{group_members}}</td><td class="num">{{group_grants}}</td></tr>
        {{/groups}}</tbody></table></div>{{/has_groups}}
        {{^has_groups}}<p class="muted">No groups.</p>{{/has_groups}}
        <h2>Create a group</h2>
        <form data-api="/api/admin/groups" data-then="/admin/groups/{id}">
        <label for="group-name">Name</label><input id="group-name" name="name" type="text" required>
        <label for="group-description">Description</label><input id="group-description" name="description" type="text" data-omit-empty>
        <div class="actions"><button type="submit" class="primary">Create</button></div><p data-result></p>
        </form>
        {{/content}}{{/layout}}

        """

    static let groupTemplate = """
        {{<layout}}{{$content}}
        <p><a href="/admin/groups">Groups</a></p>
        <h1>{{group_name}}</h1>
        <p><span class="chip {{origin_class}}">{{origin_text}}</span>{{#group_is_system}}<span class="chip">system group</span>{{/group_is_system}}{{#group_managed}}<span class="chip">read-only: Google Workspace manages it{{#has_mapped}} ({{group_mapped}}){{/has_mapped}}</span>{{/group_managed}}</p>
        {{#has_description}}<p>{{group_description}}</p>{{/has_description}}
        <dl class="facts"><dt>Created</dt><dd>{{group_created}}</dd><dt>By</dt><dd>{{group_created_by}}</dd><dt>Members</dt><dd>{{member_count}}</dd></dl>
        {{#may_edit}}<h2>{{#may_rename}}Name and description{{/may_rename}}{{^may_rename}}Description{{/may_rename}}</h2>
        <form data-api="{{group_api}}" data-method="PATCH" data-then="reload">{{#may_rename}}<label for="edit-name">Name</label><input id="edit-name" name="name" type="text" value="{{group_name}}" required>{{/may_rename}}
        <label for="edit-description">Description</label><input id="edit-description" name="description" type="text" value="{{group_description}}">
        <div class="actions"><button type="submit">Save</button></div><p data-result></p></form>{{/may_edit}}
        <h2 id="members-heading">Members</h2>
        {{#may_add}}<form data-api="{{members_api}}" data-then="reload"><label for="member-email">Add a member by email</label><input id="member-email" name="email" type="email" required>
        <div class="actions"><button type="submit">Add</button></div><p data-result></p></form>{{/may_add}}
        {{#has_members}}{{> pager}}<div class="scroll"><table aria-labelledby="members-heading">
        <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Membership</th><th scope="col">Added</th><th scope="col"><span class="sr-only">Remove</span></th></tr></thead><tbody>
        {{#members}}<tr><td><a href="{{member_href}}">{{member_email}}</a></td><td>{{member_name}}</td><td>{{#member_active}}<span class="status-ok">active</span>{{/member_active}}{{^member_active}}<span class="status-failed">deactivated</span>{{/member_active}}</td><td>{{member_source}}</td><td>{{member_added}}</td><td>{{#member_removable}}<form data-api="{{member_remove_api}}" data-method="DELETE" data-confirm="Remove {{member_email}} from {{group_name}}?" data-then="reload"><button type="submit" class="danger" aria-label="Remove {{member_email}}">Remove</button><p data-result></p></form>{{/member_removable}}</td></tr>
        {{/members}}</tbody></table></div>{{> pager}}{{/has_members}}
        {{^has_members}}<p class="muted">No members.</p>{{/has_members}}
        <h2 id="grants-heading">Granted</h2>
        {{#has_grants}}<div class="scroll"><table aria-labelledby="grants-heading">
        <thead><tr><th scope="col">Type</th><th scope="col">Resource</th><th scope="col">Granted</th><th scope="col">By</th></tr></thead><tbody>
        {{#grants}}<tr><td>{{grant_type}}</td><td><code>{{grant_resource}}</code></td><td>{{grant_at}}</td><td>{{grant_by}}</td></tr>
        {{/grants}}</tbody></table></div>{{#more_grants}}<p class="muted">The first 100 of {{grant_count}} grants.</p>{{/more_grants}}{{/has_grants}}
        {{^has_grants}}<p class="muted">Nothing granted yet.</p>{{/has_grants}}
        <p><a href="/admin/access">Grant and revoke in the access matrix</a></p>
        {{#may_delete}}<h2>Delete</h2>
        <form data-api="{{group_api}}" data-method="DELETE" data-confirm="Delete the group {{group_name}} with its memberships and grants?" data-then="/admin/groups"><div class="actions"><button type="submit" class="danger">Delete the group</button></div><p data-result></p></form>{{/may_delete}}
        {{/content}}{{/layout}}

        """
}
