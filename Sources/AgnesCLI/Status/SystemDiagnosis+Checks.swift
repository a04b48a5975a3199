import AgnesClient
import AgnesCore
import Foundation

/// The checks that read only this machine.
extension SystemDiagnosis {
    /// The configuration directory: where it is, what it holds, and a token file others can read.
    static func configCheck(_ settings: ClientSettings) -> HealthCheck {
        let directory = settings.directory
        let manager = FileManager.default
        var parts: [String] = []
        parts.append(manager.fileExists(atPath: directory.configFile.path) ? "config.yaml" : "no config.yaml")
        let tokenFile = directory.tokenFile.path
        guard manager.fileExists(atPath: tokenFile) else {
            parts.append("no token.json")
            return HealthCheck(
                name: "config", status: .ok, detail: "\(directory.url.path) (\(parts.joined(separator: ", ")))")
        }
        parts.append("token.json")
        let mode = (try? manager.attributesOfItem(atPath: tokenFile)[.posixPermissions] as? NSNumber)?.intValue ?? 0
        let detail = "\(directory.url.path) (\(parts.joined(separator: ", ")))"
        guard mode & 0o077 == 0 else {
            return HealthCheck(
                name: "config", status: .warning,
                detail: detail + "; token.json can be read by others (mode \(String(mode, radix: 8)))",
                action: "chmod 600 \(tokenFile)")
        }
        return HealthCheck(name: "config", status: .ok, detail: detail)
    }

    /// The token: present, its claims (type, email, expiry), and, with `api`, whether the server takes it.
    static func tokenCheck(settings: ClientSettings, claims: TokenClaims?, now: Date, api: AgnesAPI?) async
        -> HealthCheck
    {
        guard settings.token != nil, let source = settings.tokenSource else {
            return HealthCheck(
                name: "token", status: .fail, detail: "no token configured",
                action: "agnes init --server-url URL, agnes auth login --email E, or set AGNES_TOKEN")
        }
        let origin = "from \(origin(source))"
        guard let claims else {
            // Not a JWT (a scheduler token, or something pasted wrongly): only the server can judge it.
            let detail = "\(origin); not a JWT, its expiry cannot be read here"
            if let api { return await verified(HealthCheck(name: "token", status: .ok, detail: detail), api: api) }
            return HealthCheck(
                name: "token", status: .warning, detail: detail, action: "agnes auth whoami --verify asks the server")
        }
        let kind = claims.type == "pat" ? "personal access token" : claims.type.map { "\($0) token" } ?? "token"
        let owner = claims.email.map { " for \($0)" } ?? ""
        var check: HealthCheck
        if let expiry = claims.expiresAt {
            let stamp = ISO8601DateFormatter().string(from: expiry)
            let left = expiry.timeIntervalSince(now)
            if left <= 0 {
                return HealthCheck(
                    name: "token", status: .fail, detail: "\(kind)\(owner) (\(origin)) expired at \(stamp)",
                    action: "agnes auth login --email E, or a new personal access token: agnes auth token create")
            }
            let soon = left < expirySoon
            check = HealthCheck(
                name: "token", status: soon ? .warning : .ok,
                detail: "\(kind)\(owner) (\(origin)), expires \(stamp) (in \(Self.span(left)))",
                action: soon ? "sign in again soon, or use a personal access token: agnes auth token create" : nil)
        } else {
            check = HealthCheck(name: "token", status: .ok, detail: "\(kind)\(owner) (\(origin)), never expires")
        }
        if let api { check = await verified(check, api: api) }
        return check
    }

    /// `check` after asking the server (`GET /auth/me`): a refusal fails it.
    static func verified(_ check: HealthCheck, api: AgnesAPI) async -> HealthCheck {
        var check = check
        do {
            let caller = try await api.verifyToken()
            let admin = caller?.isAdmin == true ? ", admin" : ""
            check.detail += "; the server accepts it\(admin)"
        } catch let error as ClientError {
            check.status = .fail
            check.detail += "; the server refuses it: \(error.message)"
            check.action = error.hint
        } catch {
            check.status = .fail
            check.detail += "; \(error)"
        }
        return check
    }

    static func workspaceCheck(_ workspace: Workspace) -> HealthCheck {
        guard workspace.isInitialized else {
            return HealthCheck(
                name: "workspace", status: .warning, detail: "\(workspace.root.path) is not an Agnes workspace",
                action: "agnes init --server-url URL (or set AGNES_LOCAL_DIR to your workspace)")
        }
        return HealthCheck(name: "workspace", status: .ok, detail: workspace.root.path)
    }

    /// The local database: present, readable, and a view for every pulled table.
    static func databaseCheck(_ workspace: Workspace) async -> (check: HealthCheck, exists: Bool, views: Int?) {
        let path = workspace.database.path
        guard FileManager.default.fileExists(atPath: path) else {
            return (
                HealthCheck(name: "database", status: .warning, detail: "no local database yet", action: "agnes pull"),
                false, nil
            )
        }
        let relations: [(name: String, kind: String)]
        do {
            relations = try await LocalDatabase(workspace: workspace).relations()
        } catch let error as ClientError {
            return (
                HealthCheck(
                    name: "database", status: .fail, detail: "\(path): \(error.message)",
                    action: error.hint ?? "move the file away and run agnes pull to create it again"),
                true, nil
            )
        } catch {
            return (HealthCheck(name: "database", status: .fail, detail: "\(path): \(error)"), true, nil)
        }
        let views = Set(relations.filter { $0.kind == "view" }.map(\.name))
        let tables = relations.count - views.count
        let pulled = (try? FileManager.default.contentsOfDirectory(atPath: workspace.parquetDirectory.path)) ?? []
        let missing = pulled.filter { $0.hasSuffix(".parquet") }.map { String($0.dropLast(8)) }
            .filter { !views.contains($0) }.sorted()
        var detail = "\(path): \(views.count) view\(views.count == 1 ? "" : "s")"
        if tables > 0 { detail += ", \(tables) table\(tables == 1 ? "" : "s") of your own" }
        guard missing.isEmpty else {
            return (
                HealthCheck(
                    name: "database", status: .warning,
                    detail: detail + "; no view for \(missing.joined(separator: ", "))", action: "agnes pull"),
                true, views.count
            )
        }
        return (HealthCheck(name: "database", status: .ok, detail: detail), true, views.count)
    }

    static func tablesCheck(facts: Facts, partial: [String]) -> HealthCheck {
        let detail =
            "\(facts.parquetFiles) pulled table\(facts.parquetFiles == 1 ? "" : "s"), "
            + "\(ByteCount.text(facts.parquetBytes)) in server/parquet"
        guard partial.isEmpty else {
            return HealthCheck(
                name: "tables", status: .warning, detail: detail + "; interrupted: \(partial.joined(separator: ", "))",
                action: "agnes pull resumes them")
        }
        return HealthCheck(name: "tables", status: .ok, detail: detail)
    }

    static func snapshotsCheck(_ disk: DiskInfo) -> HealthCheck {
        let quota = Int64(disk.quotaGB * 1_073_741_824)
        let detail =
            "\(disk.snapshotCount) in \(disk.snapshotsDir), \(ByteCount.text(disk.usedBytes)) of the "
            + "\(ByteCount.text(quota)) quota"
        guard disk.usedBytes <= quota else {
            return HealthCheck(
                name: "snapshots", status: .warning, detail: detail,
                action:
                    "delete snapshots you no longer need from \(disk.snapshotsDir), or raise AGNES_SNAPSHOT_QUOTA_GB")
        }
        return HealthCheck(name: "snapshots", status: .ok, detail: detail)
    }

    /// Free space, against what a pull needs: room for a new copy of the largest table beside the old one.
    static func diskCheck(_ disk: DiskInfo, largestTable: Int64?) -> HealthCheck {
        guard let free = disk.freeBytes else {
            return HealthCheck(name: "disk", status: .warning, detail: "free space unknown")
        }
        let detail = "\(ByteCount.text(free)) free"
        let action = "free some disk space (agnes disk-info shows what the workspace uses)"
        if free < minimumFreeBytes {
            return HealthCheck(name: "disk", status: .fail, detail: detail, action: action)
        }
        if let largestTable, free < largestTable {
            return HealthCheck(
                name: "disk", status: .warning,
                detail: detail + "; less than the largest pulled table (\(ByteCount.text(largestTable)))",
                action: action)
        }
        if free < lowFreeBytes { return HealthCheck(name: "disk", status: .warning, detail: detail, action: action) }
        return HealthCheck(name: "disk", status: .ok, detail: detail)
    }

    /// `3 days`, `5 hours`, `12 minutes`.
    static func span(_ seconds: TimeInterval) -> String {
        let (value, unit): (Int, String) =
            seconds >= 86_400
            ? (Int(seconds / 86_400), "day")
            : seconds >= 3600 ? (Int(seconds / 3600), "hour") : (Int(seconds / 60), "minute")
        return "\(value) \(unit)\(value == 1 ? "" : "s")"
    }
}
