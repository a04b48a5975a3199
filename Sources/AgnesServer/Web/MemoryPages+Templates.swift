extension MemoryPages {
    static let templates: [String: String] = [
        "memory": browseTemplate, "memory_admin": adminTemplate, "memory_side": sideTemplate,
    ]

    static let browseTemplate = """
        {{<layout}}{{$content}}
        <h1>Corporate memory</h1>
        <p class="muted">What the team knows, reviewed by admins: mandatory items apply to everyone, approved ones help everyone's agent. Vote on what helps; contribute what you know.</p>
        {{#viewer.is_admin}}<p><a href="/corporate-memory/admin">Review queue, contradictions and duplicates</a></p>{{/viewer.is_admin}}
        <h2 id="browse-heading">Knowledge</h2>
        <form method="get" action="/corporate-memory" role="search" class="filters">
        <div><label for="q">Search</label><input id="q" name="q" type="search" value="{{query}}" placeholder="words in the title or text"></div>
        <div><label for="domain">Domain</label><select id="domain" name="domain"><option value="">Any domain</option>{{#domains}}<option value="{{option_value}}"{{#option_selected}} selected{{/option_selected}}>{{option_value}}</option>{{/domains}}</select></div>
        <div><label for="category">Category</label><select id="category" name="category"><option value="">Any category</option>{{#categories}}<option value="{{option_value}}"{{#option_selected}} selected{{/option_selected}}>{{option_value}}</option>{{/categories}}</select></div>
        <div><label for="status">Status</label><select id="status" name="status"><option value="">Approved and mandatory</option>{{#statuses}}<option value="{{option_value}}"{{#option_selected}} selected{{/option_selected}}>{{option_value}}</option>{{/statuses}}</select></div>
        <div><button type="submit">Search</button>{{#has_filters}} <a href="/corporate-memory">Clear</a>{{/has_filters}}</div>
        </form>
        <p class="muted" role="status">{{shown}} items{{#has_filters}} match{{/has_filters}}.</p>
        {{#items_pager}}{{> pager}}{{/items_pager}}
        {{#items}}<article class="card" aria-labelledby="item-{{item_id}}">
        <h3 id="item-{{item_id}}">{{item_title}}{{#item_mandatory}} <span class="chip mandatory">mandatory</span>{{/item_mandatory}}</h3>
        {{#has_item_content}}<p class="prose">{{item_content}}</p>{{/has_item_content}}
        <p class="muted">{{#has_item_category}}<span class="chip">{{item_category}}</span>{{/has_item_category}}{{#has_item_domain}}<span class="chip">{{item_domain}}</span>{{/has_item_domain}}{{#item_tags}}<span class="chip">#{{tag_name}}</span>{{/item_tags}}</p>
        <div class="votes"><form data-api="/api/memory/{id}/vote" data-then="reload"><input type="hidden" name="id" value="{{item_id}}"><input type="hidden" name="vote" data-type="int" value="{{item_up_value}}"><button type="submit" aria-pressed="{{item_up_pressed}}" title="{{item_up_label}}">▲ {{item_upvotes}}<span class="sr-only"> up votes. {{item_up_label}}</span></button></form>
        <form data-api="/api/memory/{id}/vote" data-then="reload"><input type="hidden" name="id" value="{{item_id}}"><input type="hidden" name="vote" data-type="int" value="{{item_down_value}}"><button type="submit" aria-pressed="{{item_down_pressed}}" title="{{item_down_label}}">▼ {{item_downvotes}}<span class="sr-only"> down votes. {{item_down_label}}</span></button></form>
        <span class="muted">Score {{item_score}}. {{item_my_vote}}</span></div>
        </article>
        {{/items}}
        {{^has_items}}<p class="muted">No knowledge{{#has_filters}} matches{{/has_filters}}{{^has_filters}} has been approved yet{{/has_filters}}.</p>{{/has_items}}
        {{#items_pager}}{{> pager}}{{/items_pager}}
        <h2 id="mine-heading">My contributions</h2>
        {{#has_mine}}<p class="muted">{{mine_count}} items. Pending ones wait for an admin's review; a personal item is seen only by you and the admins.</p>
        {{#mine_pager}}{{> pager}}{{/mine_pager}}
        <div class="scroll"><table aria-labelledby="mine-heading"><thead><tr><th scope="col">Item</th><th scope="col">Status</th><th scope="col">Updated</th><th scope="col">Seen by</th></tr></thead><tbody>
        {{#mine}}<tr><td>{{mine_title}}{{#has_mine_content}}<div class="muted prose">{{mine_content}}</div>{{/has_mine_content}}</td><td class="status-{{mine_status}}">{{mine_status}}</td><td>{{mine_updated}}</td>
        <td>{{#mine_personal}}Only you (personal){{/mine_personal}}{{^mine_personal}}The team{{/mine_personal}}<form data-api="/api/memory/{id}/personal" data-then="reload"><input type="hidden" name="id" value="{{mine_id}}"><input type="hidden" name="is_personal" data-type="bool" value="{{mine_personal_next}}"><button type="submit">{{mine_personal_action}}</button></form></td></tr>
        {{/mine}}</tbody></table></div>
        {{#mine_pager}}{{> pager}}{{/mine_pager}}{{/has_mine}}
        {{^has_mine}}<p class="muted">You have not contributed anything yet.</p>{{/has_mine}}
        <h2 id="contribute-heading">Contribute</h2>
        <form data-api="/api/memory" data-then="reload" aria-labelledby="contribute-heading">
        <label for="new-title">Title</label><input id="new-title" name="title" type="text" required>
        <label for="new-content">What should everyone know?</label><textarea id="new-content" name="content" class="prose" required></textarea>
        <label for="new-category">Category</label><input id="new-category" name="category" type="text" list="known-categories" required placeholder="metrics, data quality, …">
        <datalist id="known-categories">{{#categories}}<option value="{{option_value}}">{{/categories}}</datalist>
        <label for="new-domain">Domain</label><select id="new-domain" name="domain" data-omit-empty><option value="">No domain</option>{{#new_domains}}<option value="{{option_value}}">{{option_value}}</option>{{/new_domains}}</select>
        <label for="new-tags">Tags <span class="muted">(comma-separated)</span></label><input id="new-tags" name="tags" type="text" data-type="list">
        <div class="actions"><button type="submit" class="primary">Send for review</button></div>
        <p data-result></p>
        </form>
        {{/content}}{{/layout}}

        """

    /// One side of a contradiction or duplicate pair, with a way to revoke it.
    static let sideTemplate = """
        <div class="side"><h3>{{side_letter}}{{#side_is_item}}: {{side_title}}{{/side_is_item}}</h3>
        {{#side_is_item}}<p class="prose">{{side_content}}</p><p class="muted">{{side_meta}}</p>{{/side_is_item}}
        {{#side_is_hidden}}<p class="muted">A personal item: its text is not shown here.</p>{{/side_is_hidden}}
        {{#side_is_missing}}<p class="muted">This item no longer exists.</p>{{/side_is_missing}}
        <p class="muted"><code>{{side_id}}</code></p>
        {{#side_can_revoke}}<form data-api="/api/memory/admin/revoke?item_id={id}" data-then="reload" data-confirm="Revoke this item? It leaves everyone's memory."><input type="hidden" name="id" value="{{side_id}}"><button type="submit" class="danger">Revoke {{side_letter}}</button></form>{{/side_can_revoke}}
        </div>
        """

    static let adminTemplate = """
        {{<layout}}{{$content}}
        <p><a href="/corporate-memory">Corporate memory</a></p>
        <h1>Corporate memory review</h1>
        <div class="summary" role="status">{{#counts}}<div><strong>{{count_value}}</strong> {{count_status}}</div>{{/counts}}<div><strong>{{count_total}}</strong> in all</div></div>
        <h2 id="queue-heading">Review queue</h2>
        {{#has_pending}}<p class="muted">{{pending_total}} items wait for review.</p>
        <div class="bulk">
        <form data-api="/api/memory/admin/batch" data-selection="item_ids:pending" data-then="reload" class="card">
        <h3>Decide on the selected items</h3>
        <label for="bulk-action">Action</label><select id="bulk-action" name="action"><option value="approve">Approve</option><option value="reject">Reject</option><option value="mandate">Make mandatory</option><option value="revoke">Revoke</option></select>
        <label for="bulk-reason">Reason <span class="muted">(optional)</span></label><input id="bulk-reason" name="reason" type="text" data-omit-empty>
        <label for="bulk-audience">Audience if mandatory <span class="muted">(all, or group:name)</span></label><input id="bulk-audience" name="audience" type="text" data-omit-empty>
        <div class="actions"><button type="submit" class="primary">Apply</button></div><p data-result></p>
        </form>
        <form data-api="/api/memory/admin/bulk-update" data-selection="item_ids:pending" data-then="reload" class="card">
        <h3>Edit the selected items</h3>
        <p class="muted">Fill at least one field; only the fields you fill change.</p>
        <label for="bulk-domain">Domain</label><select id="bulk-domain" name="updates.domain" data-omit-empty><option value="">Leave as it is</option>{{#domains}}<option value="{{option_value}}">{{option_value}}</option>{{/domains}}</select>
        <label for="bulk-category">Category</label><input id="bulk-category" name="updates.category" type="text" data-omit-empty>
        <label for="bulk-tags-add">Add tags <span class="muted">(comma-separated)</span></label><input id="bulk-tags-add" name="updates.tags_add" type="text" data-type="list" data-omit-empty>
        <label for="bulk-tags-remove">Remove tags</label><input id="bulk-tags-remove" name="updates.tags_remove" type="text" data-type="list" data-omit-empty>
        <div class="actions"><button type="submit">Save</button></div><p data-result></p>
        </form>
        </div>
        {{#queue_pager}}{{> pager}}{{/queue_pager}}
        <div class="scroll"><table aria-labelledby="queue-heading"><thead><tr><th scope="col"><input type="checkbox" id="pick-all" data-pick-all="pending"><label for="pick-all" class="inline">All</label></th><th scope="col">Item</th><th scope="col">Decide</th></tr></thead><tbody>
        {{#pending}}<tr><td><input type="checkbox" id="pick-{{pending_id}}" data-pick="pending" value="{{pending_id}}"><label for="pick-{{pending_id}}" class="sr-only">Select {{pending_title}}</label></td>
        <td><strong>{{pending_title}}</strong>{{#pending_personal}} <span class="chip">personal</span>{{/pending_personal}}
        {{#has_pending_content}}<div class="prose">{{pending_content}}</div>{{/has_pending_content}}
        <div class="muted">by {{pending_by}} · {{pending_created}} · {{pending_source}}{{#has_pending_category}} · {{pending_category}}{{/has_pending_category}}{{#has_pending_domain}} · {{pending_domain}}{{/has_pending_domain}}{{#pending_tags}} <span class="chip">#{{tag_name}}</span>{{/pending_tags}}</div>
        <details><summary>Edit</summary>
        <form data-api="/api/memory/admin/{id}" data-method="PATCH" data-then="reload"><input type="hidden" name="id" value="{{pending_id}}">
        <label for="edit-title-{{pending_id}}">Title</label><input id="edit-title-{{pending_id}}" name="title" type="text" value="{{pending_title}}" required>
        <label for="edit-content-{{pending_id}}">Content</label><textarea id="edit-content-{{pending_id}}" name="content" class="prose">{{pending_content}}</textarea>
        <label for="edit-category-{{pending_id}}">Category</label><input id="edit-category-{{pending_id}}" name="category" type="text" value="{{pending_category}}" data-omit-empty>
        <label for="edit-domain-{{pending_id}}">Domain</label><select id="edit-domain-{{pending_id}}" name="domain"><option value="">No domain</option>{{#pending_domains}}<option value="{{option_value}}"{{#option_selected}} selected{{/option_selected}}>{{option_value}}</option>{{/pending_domains}}</select>
        <label for="edit-tags-{{pending_id}}">Tags <span class="muted">(comma-separated)</span></label><input id="edit-tags-{{pending_id}}" name="tags" type="text" data-type="list" value="{{pending_tags_text}}">
        <label for="edit-audience-{{pending_id}}">Audience <span class="muted">(all, or group:name)</span></label><input id="edit-audience-{{pending_id}}" name="audience" type="text" value="{{pending_audience}}" data-omit-empty>
        <div class="actions"><button type="submit" class="primary">Save</button></div><p data-result></p>
        </form></details></td>
        <td><form data-api="/api/memory/admin/approve?item_id={id}" data-then="reload"><input type="hidden" name="id" value="{{pending_id}}"><button type="submit" class="primary">Approve</button></form>
        <form data-api="/api/memory/admin/reject?item_id={id}" data-then="reload"><input type="hidden" name="id" value="{{pending_id}}"><label for="reason-{{pending_id}}">Reason to reject</label><input id="reason-{{pending_id}}" name="reason" type="text" data-omit-empty> <button type="submit" class="danger">Reject</button></form></td></tr>
        {{/pending}}</tbody></table></div>
        {{#queue_pager}}{{> pager}}{{/queue_pager}}{{/has_pending}}
        {{^has_pending}}<p class="muted">Nothing waits for review.</p>{{/has_pending}}
        <h2 id="contradictions-heading">Contradictions</h2>
        {{#has_contradictions}}<p class="muted">Unresolved: {{contradictions_total}}, newest first.</p>
        {{#contradictions_pager}}{{> pager}}{{/contradictions_pager}}
        {{#contradictions}}<section class="card" aria-label="Contradiction {{contradiction_id}}">
        <p>{{#has_contradiction_severity}}<span class="chip">{{contradiction_severity}}</span> {{/has_contradiction_severity}}{{#has_contradiction_explanation}}{{contradiction_explanation}} {{/has_contradiction_explanation}}<span class="muted">Found {{contradiction_detected}}.</span></p>
        <div class="pair">{{#side_a}}{{> memory_side}}{{/side_a}}{{#side_b}}{{> memory_side}}{{/side_b}}</div>
        {{#has_contradiction_suggested}}<p>Suggested resolution: <strong>{{contradiction_suggested}}</strong></p>{{/has_contradiction_suggested}}
        <form data-api="/api/memory/admin/contradictions/{id}/resolve" data-then="reload" class="actions"><input type="hidden" name="id" value="{{contradiction_id}}"><label class="inline" for="resolve-{{contradiction_id}}">Resolution</label><select id="resolve-{{contradiction_id}}" name="resolution">{{#choices}}<option value="{{choice_value}}"{{#choice_selected}} selected{{/choice_selected}}>{{choice_label}}</option>{{/choices}}</select><button type="submit" class="primary">Resolve</button><p data-result></p></form>
        </section>
        {{/contradictions}}
        {{#contradictions_pager}}{{> pager}}{{/contradictions_pager}}{{/has_contradictions}}
        {{^has_contradictions}}<p class="muted">No unresolved contradictions.</p>{{/has_contradictions}}
        <h2 id="duplicates-heading">Duplicate candidates</h2>
        {{#has_duplicates}}<p class="muted">Pairs to look at: {{duplicates_total}}, most similar first. A verdict is recorded; items are not merged: to keep one of two duplicates, revoke the other.</p>
        {{#duplicates_pager}}{{> pager}}{{/duplicates_pager}}
        {{#duplicates}}<section class="card" aria-label="Duplicate candidates {{duplicate_a}} and {{duplicate_b}}">
        <p>Similarity <strong>{{duplicate_score}}</strong></p>
        <div class="pair">{{#side_a}}{{> memory_side}}{{/side_a}}{{#side_b}}{{> memory_side}}{{/side_b}}</div>
        <form data-api="/api/memory/admin/duplicate-candidates/resolve?item_a_id={item_a_id}&amp;item_b_id={item_b_id}" data-then="reload" class="actions"><input type="hidden" name="item_a_id" value="{{duplicate_a}}"><input type="hidden" name="item_b_id" value="{{duplicate_b}}"><label class="inline" for="verdict-{{duplicate_a}}-{{duplicate_b}}">Verdict</label><select id="verdict-{{duplicate_a}}-{{duplicate_b}}" name="resolution">{{#choices}}<option value="{{choice_value}}"{{#choice_selected}} selected{{/choice_selected}}>{{choice_label}}</option>{{/choices}}</select><button type="submit" class="primary">Record</button><p data-result></p></form>
        </section>
        {{/duplicates}}
        {{#duplicates_pager}}{{> pager}}{{/duplicates_pager}}{{/has_duplicates}}
        {{^has_duplicates}}<p class="muted">No duplicate candidates to look at.</p>{{/has_duplicates}}
        <h2 id="audit-heading">Audit trail</h2>
        {{#has_audit}}{{#audit_pager}}{{> pager}}{{/audit_pager}}
        <div class="scroll"><table aria-labelledby="audit-heading"><thead><tr><th scope="col">When (UTC)</th><th scope="col">By</th><th scope="col">Action</th><th scope="col">Item</th><th scope="col">Details</th></tr></thead><tbody>
        {{#audit}}<tr><td>{{audit_time}}</td><td>{{audit_user}}</td><td>{{audit_action}}</td><td>{{#has_audit_title}}{{audit_title}}<br>{{/has_audit_title}}<code class="muted">{{audit_resource}}</code></td><td>{{audit_params}}</td></tr>
        {{/audit}}</tbody></table></div>
        {{#audit_pager}}{{> pager}}{{/audit_pager}}{{/has_audit}}
        {{^has_audit}}<p class="muted">No memory actions yet.</p>{{/has_audit}}
        {{/content}}{{/layout}}

        """
}
