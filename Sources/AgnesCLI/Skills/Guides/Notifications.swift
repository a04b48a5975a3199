extension BundledSkill {
    /// Which messages the server sends in this version, and how to set them up.
    static let notifications = BundledSkill(
        name: "notifications",
        summary: "What Agnes tells people: sync-failure webhooks, account mail, health checks (no bots yet)",
        body: #"""
        # Notifications

        Use this when someone wants to be told about something: failed data syncs, invitations, or their own data
        alerts. Be exact about what exists: this version sends sync-failure webhooks and account mail, nothing more.

        ## Available: a webhook when a sync run has failures

        Set `sync.alert_webhook_url` (an http or https URL) in `config/instance.yaml`:

        ```yaml
        sync:
          alert_webhook_url: "https://hooks.example.com/agnes"
        ```

        or, as an admin, through the API (takes effect at the next start):

        ```bash
        curl -sS -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
            -d '{"sections": {"sync": {"alert_webhook_url": "https://hooks.example.com/agnes"}}}' \
            "$AGNES_SERVER/api/admin/server-config"
        ```

        - Every run with a failed table POSTs one JSON object: `{"event": "sync.failed", "run_id", "status",
          "trigger", "started_at", "finished_at", "error", "failures": [{"table", "source", "reason"}],
          "failure_count"}` (at most 100 failures listed). Point it at anything that accepts a JSON POST (a chat
          incoming webhook relay, an on-call tool).
        - Best effort: a webhook that is down is logged on the server and never fails the run.
        - The URL must resolve to a public address; name internal hosts in `AGNES_OUTBOUND_ALLOWED_HOSTS`
          (comma-separated). `GET /api/admin/server-config` shows it redacted, like other secrets.

        ## Available: account mail

        With mail configured the server mails invitations (`agnes admin add-user ana@example.com --invite`),
        password-reset links (`agnes admin reset-password ana@example.com`, or "Send a reset link" on
        `/login/password`) and one-hour sign-in links (`/login/email`).

        | transport | environment |
        |---|---|
        | SendGrid (wins when set) | `SENDGRID_API_KEY`, `EMAIL_FROM_ADDRESS` |
        | SMTP | `SMTP_HOST`, `SMTP_PORT` (587), `SMTP_USER`, `SMTP_PASSWORD`, `SMTP_FROM`, `SMTP_USE_TLS` |

        SMTP uses TLS unless `SMTP_USE_TLS` is not `true`: implicit TLS on port 465, STARTTLS on any other port.
        `SERVER_URL` must be set too (links are built from it; without it the server refuses to start). Without
        any transport nothing is mailed: `agnes admin add-user --invite` and `agnes admin reset-password` then print
        the link for you to pass on (`E-mailed: no`).

        ## Available: health you can poll

        - `GET /api/health` (anonymous, always 200; `status` is `ok` or `unhealthy`) for an uptime monitor.
        - `GET /api/health/detailed` (signed in): store, data (stale and failing tables), users, latest sync runs,
          scheduler; `healthy`, `degraded` or `unhealthy`. `agnes diagnose system` prints it.
        - The scheduler's `health-check` job checks the store every 5 minutes; `GET /api/admin/scheduler/jobs`
          shows its last run.

        ## Not available yet in this version

        - The Telegram bot (`/start`, `/status`, linking an account): not available yet. `TELEGRAM_BOT_TOKEN` and
          the `telegram` section are accepted and unused.
        - The desktop WebSocket gateway and its push notifications: not available yet.
        - Notification scripts (deploying a script that queries data on a schedule and sends the result): not
          available yet; the scheduler lists `script-runner` as not built.
        - Mail to users when new knowledge items appear (`corporate_memory.notify_on_new_items`): not available yet.

        ## If a user wants a data alert today

        Offer a script on their own machine, run by their own scheduler (cron, launchd), built from real commands:

        ```bash
        agnes pull --quiet && agnes query --format json \
            "SELECT sum(amount) AS revenue FROM orders WHERE created_at >= current_date"
        ```

        It runs in the workspace (or with `AGNES_LOCAL_DIR` set to it), needs a long-lived token
        (`agnes auth token create`), and its output goes wherever their script sends it. Do not promise
        server-side delivery.
        """#)
}
