extension BundledSkill {
    /// What of corporate memory works in this version, and how to share knowledge with every agent today.
    static let corporateMemory = BundledSkill(
        name: "corporate-memory",
        summary: "Shared knowledge for every analyst's agent: rules and a searchable table on pull, add, vote, notes",
        body: #"""
        # Corporate memory

        Use this when a user wants to keep, share or enforce knowledge across analysts ("revenue excludes VAT",
        "always filter test accounts").

        ## The idea

        Analysts keep notes in `.claude/CLAUDE.local.md`; sessions and notes are uploaded to the server; the server
        distils them into knowledge items that admins approve or make mandatory; every analyst's `agnes pull` writes
        the approved and mandatory items as Claude Code rules (`.claude/rules/km_<id>.md`, `km_approved.md`) and
        as the `knowledge` table of the workspace database, which `agnes memory search` searches offline.

        ## What works in this version

        - **Personal notes.** `.claude/CLAUDE.local.md` is created by `agnes init` and never overwritten. Write
          lasting findings there; Claude Code reads it in every session of the workspace.
        - **Upload.** `agnes push` (the SessionEnd hook runs it) uploads this workspace's Claude Code transcripts
          (unchanged ones are skipped) and `CLAUDE.local.md`. The server keeps them per user
          (`DATA_DIR/user_sessions/<user id>/`, `DATA_DIR/user_local_md/`).

          ```bash
          agnes push --dry-run --json   # what would be uploaded
          agnes push                    # exit 1 if any upload failed (each failure is named)
          agnes status                  # "Sessions: N not pushed"
          ```
        - **Rules on pull.** `agnes pull` asks the server for `GET /api/memory/bundle` and writes one rule file per
          mandatory item (`.claude/rules/km_<id>.md`) and the approved items that fit the bundle's 6000-token budget
          (`km_approved.md`); rule files of items no longer in the bundle are deleted. `Rules: N.` in its output.
        - **The knowledge table on pull.** `agnes pull` also stores *every* approved and mandatory item you may see
          (not only those that fit the bundle) in `user/duckdb/analytics.duckdb` as the table `knowledge`: `id, title,
          content, category, domain, tags (VARCHAR[]), status, confidence, source_type, upvotes, downvotes,
          updated_at`. Each pull replaces it whole, so items revoked, rejected or hidden from you on the server are
          gone after the next pull. It holds what the server lets you see: items for everyone, for a group you are
          in, or of a domain granted to one of your groups (`agnes admin grant create <group> memory_domain
          finance`); never personal items, not even your own.
          `Knowledge: N items.` in pull's output (`knowledge_count` with `--json`). Query it like any table:

          ```bash
          agnes query "SELECT title, content FROM knowledge WHERE status = 'mandatory'"
          agnes query "SELECT title FROM knowledge WHERE list_contains(tags, 'churn')"
          ```

          If you already have a table or view named `knowledge` in the workspace database (or the server has a
          table of that name), it is kept: pull warns and stores no knowledge until you rename yours. A server
          without the memory routes is not an error: the table stays as it was. Other failures are listed under
          the `memory_knowledge` stage and pull exits 1; the previous table stays.
        - **Search, offline.** `agnes memory search WORDS [--limit 10] [--json]` ranks the table's items (BM25: a
          word in the title or tags counts three times one in the content; rare words count more; case, accents
          and English plurals do not matter). It needs no server but a pulled table: without one it exits 1 and says
          to run `agnes pull`.

          ```bash
          agnes memory search revenue VAT
          agnes memory search churn --json   # [{id, title, content, tags, status, ..., score}], best first
          ```
        - **Contribute and vote.** Anyone signed in can propose an item and vote on items they may see:

          ```bash
          agnes memory add --title "Revenue is net of VAT" --content "Report revenue without VAT." \
              --category business_logic --domain finance --tag revenue     # prints the id; status pending
          agnes memory vote <id> up        # or down, or retract; prints the up/down tallies
          ```

          Domains are `finance, engineering, product, data, operations, infrastructure` (another is refused, exit
          2). A new item is `pending`: it reaches pulls only after an admin approves or mandates it. Voting on an id
          you may not see answers "Knowledge item not found" (exit 8); a bad token exits 7.
        - **Shared instructions through the workspace CLAUDE.md.** What every analyst's agent must know can go into
          the workspace `CLAUDE.md` template today (admin):

          ```bash
          curl -sS -H "Authorization: Bearer $TOKEN" "$AGNES_SERVER/api/admin/workspace-prompt-template"
          # -> {content|null, default, variables, ...}: start from "default", use only listed variables
          curl -sS -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
              -d @template.json "$AGNES_SERVER/api/admin/workspace-prompt-template/preview"
          curl -sS -X PUT -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
              -d @template.json "$AGNES_SERVER/api/admin/workspace-prompt-template"   # {"content": "..."}
          curl -sS -X DELETE -H "Authorization: Bearer $TOKEN" \
              "$AGNES_SERVER/api/admin/workspace-prompt-template"                      # back to the default
          ```

          Templates are Mustache (`{{user.email}}`, `{{#tables}}...{{/tables}}`); a syntax error or an unknown
          variable is refused with 400 naming it. Analysts get the new text from `GET /api/welcome` when they run
          `agnes init` (again with `--force` in an existing workspace; their `CLAUDE.local.md` is kept).
        - **Metric definitions** are the other shared knowledge that works: `agnes catalog --metrics`, and admins
          load them with `agnes admin metrics import <dir> --data-dir /data` (server stopped).

        - **Distilling on the server (admins).** With an LLM configured (`ai:` in `instance.yaml`, or
          `ANTHROPIC_API_KEY` / `LLM_API_KEY`), three scheduler jobs turn uploads into pending items:
          `corporate-memory` (every 17 min: the uploaded `CLAUDE.local.md` notes, unchanged ones skipped; each new
          item passes a sensitivity check and gets topic tags), `verification-detector` (every 15 min: each uploaded
          session once; corrections, confirmations and definitions the user gave become items with the user's
          quote as evidence, duplicate candidates and contradictions) and `session-collector` (every 10 min, only
          with `SESSION_HOME_DIR`: copies transcripts from analysts' home directories on the server,
          `<home>/<user>/user/sessions/*.jsonl`). Run one now and see its counts:

          ```bash
          curl -sS -X POST -H "Authorization: Bearer $TOKEN" "$AGNES_SERVER/api/admin/run-verification-detector"
          # -> {"ok": true, "details": {"sessions_processed": 3, "items_created": 2, ..., "usage": {...}}}
          ```

          Without an LLM they answer 500 naming what to set, and `GET /api/admin/scheduler/jobs` lists them as
          not configured. `corporate_memory.approval_mode: auto_publish` publishes the notes' items at once
          (without the section they are approved, as in the original; `review_queue` keeps them pending).
        - **Review (admins).** `GET /api/memory/admin/pending`, `POST /api/memory/admin/approve|reject|mandate|
          revoke?item_id=…`, `/api/memory/admin/batch`, contradictions (`/api/memory/admin/contradictions`),
          duplicate candidates and the audit trail: REFERENCE §1.12's whole memory API. A personal item is seen by
          its contributor and admins only.

        ## Not available yet in this version

        - There are no `agnes admin memory ...` commands: admins review over the API (above).

        ## What to tell a user who asks for it

        1. Before answering a business question, `agnes memory search <words>` for what the team already agreed;
           mandatory items are also in `.claude/rules/` and must be followed.
        2. Put personal findings in `.claude/CLAUDE.local.md`; `agnes push` uploads them so nothing is lost.
        3. For a finding others should know, `agnes memory add ...` (with the user's consent): it waits for an
           admin's review. Do not tell the user it is shared before an admin approved it.
        4. For rules every analyst must follow at once, ask an admin to mandate an item or add it to the workspace
           CLAUDE.md template.
        """#)
}
