extension BundledSkill {
    /// What of corporate memory works in this version, and how to share knowledge with every agent today.
    static let corporateMemory = BundledSkill(
        name: "corporate-memory",
        summary: "Shared knowledge for every analyst's agent: what works now (notes, push, workspace CLAUDE.md)",
        body: #"""
        # Corporate memory

        Use this when a user wants to keep, share or enforce knowledge across analysts ("revenue excludes VAT",
        "always filter test accounts").

        ## The idea

        Analysts keep notes in `.claude/CLAUDE.local.md`; sessions and notes are uploaded to the server; the server
        distils them into knowledge items that admins approve or make mandatory; every analyst's `agnes pull` writes
        the approved and mandatory items as Claude Code rules (`.claude/rules/km_<id>.md`, `km_approved.md`).

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
        - **Rules on pull.** `agnes pull` asks the server for `GET /api/memory/bundle` and writes the rules. This
          server does not serve that route yet, so pull writes no rules and reports none; that is not an error.
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

        ## Not available yet in this version

        - The memory API (`/api/memory`: listing, search, contributing, voting, governance, contradictions,
          duplicates) and the bundle route: not available yet in this version.
        - Extracting knowledge from uploaded notes and sessions (LLM), the verification detector and the session
          collector: not available yet; `GET /api/admin/scheduler/jobs` lists `corporate-memory`,
          `verification-detector` and `session-collector` as not built.
        - `memory_domain` grants can be created (`agnes admin grant create <group> memory_domain finance`) but have
          no effect until the memory API exists. The `corporate_memory` section of `instance.yaml` is accepted and
          not used yet.
        - There are no `agnes admin memory ...` commands.

        ## What to tell a user who asks for it

        1. Put personal findings in `.claude/CLAUDE.local.md`; `agnes push` uploads them so nothing is lost.
        2. For rules every analyst must follow, ask an admin to add them to the workspace CLAUDE.md template.
        3. Do not invent memory items or promise distribution: approval and distribution are not available yet.
        """#)
}
