import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// `/dashboard`: the tables the caller may read with their freshness (last sync, rows, size, status,
/// a failure in words, what is stale), the commands that set up a workspace, and the caller's tokens.
struct DashboardPage {
    let services: AgnesServices

    /// A table not synced for this long is stale (as the detailed health check counts it).
    static let staleAfter: TimeInterval = 86_400

    func response(for caller: AuthenticatedUser, request: Request, now: Date = Date()) async throws -> Response {
        let store = services.store
        async let readable = services.access.readableTables(caller)
        async let tokens = DuckDBAccessTokenRepository(store: store).list(userID: caller.user.id)
        let data = try await WebTableData.current(services, now: now)
        let allowed = try await readable
        let tables = data.registrations.filter { allowed?.contains($0.id) ?? true }
        let stateByID = data.states
        let flagged = data.attention
        // What needs attention first, so that it is on the first page however many tables there are.
        let ordered = tables.map { table in
            (table: table, status: Self.status(table, state: stateByID[table.id], flag: flagged[table.id], now: now))
        }.sorted { ($0.status.problem != nil ? 0 : 1, $0.table.id) < ($1.status.problem != nil ? 0 : 1, $1.table.id) }
        let paging = WebPaging(total: ordered.count, request: request)
        let rows = ordered[paging.range].map {
            Self.row($0.table, state: stateByID[$0.table.id], status: $0.status, now: now)
        }
        let live = try await tokens.filter { $0.isLive(at: now) }
        let base = services.accountLinks.baseURL(request: request)
        var values: [String: Any] = [
            "table_count": DashboardPage.count(tables.count),
            "attention_count": DashboardPage.count(ordered.count(where: { $0.status.problem != nil })),
            "has_tables": !rows.isEmpty, "tables": rows, "has_tokens": !live.isEmpty,
            "tokens": live.sorted { $0.createdAt > $1.createdAt }.map { Self.tokenRow($0, now: now) },
            "install_command": "curl -fsSL \(base)/cli/install.sh | bash",
            "init_command": "agnes init --server-url \(base) --token <your token>",
        ]
        values.merge(paging.values(path: "/dashboard")) { $1 }
        let page = WebPage(
            template: "dashboard", title: "Dashboard", path: "/dashboard", caller: caller, values: values)
        return page.response(instanceName: services.settings.instanceName)
    }

    /// A table's status: its word, its CSS class, and what needs attention (nil when nothing). A table is
    /// stale when no sync run has checked it (synced, or found unchanged) within ``staleAfter`` and its
    /// data is older too.
    static func status(
        _ table: TableRegistration, state: SyncState?, flag: (id: String, isStale: Bool, isFailing: Bool)?, now: Date
    ) -> (word: String, cssClass: String, problem: String?) {
        if table.queryMode == .remote { return ("remote", "ok", nil) }
        if let state, state.isFailed || flag?.isFailing == true {
            return ("failed", "failed", "The last sync failed: \(state.error ?? "no reason was recorded")")
        }
        if let lastSync = state?.lastSync {
            guard flag?.isStale == true, lastSync < now.addingTimeInterval(-staleAfter) else {
                return ("ok", "ok", nil)
            }
            let age = Self.ago(lastSync, now: now).replacingOccurrences(of: " ago", with: "")
            return ("stale", "stale", "Not synced for \(age).")
        }
        return ("not synced yet", "stale", "It has not been synced yet.")
    }

    /// One table's line: its freshness in words, and what needs attention.
    static func row(
        _ table: TableRegistration, state: SyncState?, status: (word: String, cssClass: String, problem: String?),
        now: Date
    ) -> [String: Any] {
        var row: [String: Any] = [
            "table_id": table.id,
            "table_source": [table.sourceType ?? "local", table.bucket].compactMap { $0 }.joined(separator: " · "),
            "table_last_sync": table.queryMode == .remote
                ? "queried at the source" : state?.lastSync.map { Self.ago($0, now: now) } ?? "never",
            "table_rows": state?.rows.map(Self.count) ?? "–",
            "table_size": state?.fileSizeBytes.map { ByteCount.text(Int64($0)) } ?? "–",
            "table_status": status.word, "table_status_class": status.cssClass,
        ]
        if let description = table.description, !description.isEmpty { row["table_description"] = description }
        if let problem = status.problem { row["table_problem"] = problem }
        return row
    }

    static func tokenRow(_ token: AccessToken, now: Date) -> [String: Any] {
        [
            "token_name": token.name, "token_prefix": token.prefix, "token_created": day(token.createdAt),
            "token_expires": token.expiresAt.map(day) ?? "never",
            "token_last_used": token.lastUsedAt.map { ago($0, now: now) } ?? "never",
        ]
    }

    /// `3 min ago`, `5 h ago`, `2 days ago`; `just now` under a minute.
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        switch seconds {
        case ..<60: return "just now"
        case ..<3_600: return "\(seconds / 60) min ago"
        case ..<172_800: return "\(seconds / 3_600) h ago"
        default: return "\(seconds / 86_400) days ago"
        }
    }

    /// `2026-12-06`.
    static func day(_ date: Date) -> String { String(date.wireText.prefix(10)) }

    /// `1,234,567`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }
}
