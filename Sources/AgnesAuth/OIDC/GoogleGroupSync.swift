import AgnesCore
import AgnesStore
import AsyncHTTPClient
import Foundation
import Logging

/// Mirrors a user's Google Workspace groups into Agnes groups at each Google sign-in (REFERENCE §7).
///
/// The group source is `GOOGLE_ADMIN_SDK_MOCK_GROUPS` when that variable is set (a comma list; empty
/// means no groups), else the Directory API when `GOOGLE_ADMIN_SDK_SUBJECT` is set (domain-wide
/// delegation with the service-account key file at `GOOGLE_APPLICATION_CREDENTIALS`, API host
/// `GOOGLE_DIRECTORY_API_BASE`), else there is none and sync is off.
///
/// A failing group source never locks anyone out: ``decide(for:)`` logs the failure and answers
/// ``GroupSyncDecision/keep(reason:)``, so the sign-in goes ahead with the memberships of the previous
/// sign-in. Only the prefix gate (``GroupSyncDecision/deny``) stops a sign-in, and only on a real,
/// non-empty answer. ``apply(_:userID:)`` replaces the `google_sync` memberships wholesale; rows
/// added by an admin or seeded by the system are never touched.
///
/// ```swift
/// let sync = GoogleGroupSync(environment: settings.environment, store: store, logger: logger)
/// let decision = await sync.decide(for: claims.email)
/// if decision == .deny { return "/login?error=not_in_allowed_group" }
/// try await sync.apply(decision, userID: user.id)
/// ```
public struct GoogleGroupSync: Sendable {
    /// Who creates the groups sync makes (`user_groups.created_by`).
    public static let creator = "system:google-sync"

    /// The group source; nil when sync is off.
    let directory: (any GroupDirectory)?
    /// The mapping rules.
    public let rules: GroupSyncRules
    let groups: any GroupRepository
    let logger: Logger

    /// Creates a sync over an explicit source.
    public init(directory: (any GroupDirectory)?, rules: GroupSyncRules, store: SystemStore, logger: Logger) {
        self.directory = directory
        self.rules = rules
        self.groups = DuckDBGroupRepository(store: store)
        self.logger = logger
    }

    /// Creates the sync the environment describes (see the type's documentation).
    public init(
        environment: [String: String], store: SystemStore, http: HTTPClient = .shared, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
            else { return nil }
            return text
        }
        var directory: (any GroupDirectory)?
        if let mock = environment["GOOGLE_ADMIN_SDK_MOCK_GROUPS"] {
            directory = StaticGroupDirectory(commaSeparated: mock)
        } else if let subject = value("GOOGLE_ADMIN_SDK_SUBJECT") {
            if let keyFile = value("GOOGLE_APPLICATION_CREDENTIALS") {
                directory = GoogleDirectoryClient(
                    subject: subject, keyFile: URL(fileURLWithPath: keyFile),
                    baseURL: value("GOOGLE_DIRECTORY_API_BASE") ?? GoogleDirectoryClient.defaultBaseURL, http: http,
                    now: now)
            } else {
                logger.error(
                    "GOOGLE_ADMIN_SDK_SUBJECT is set but GOOGLE_APPLICATION_CREDENTIALS is not: Google group sync is off"
                )
            }
        }
        self.init(directory: directory, rules: GroupSyncRules(environment: environment), store: store, logger: logger)
    }

    /// True when there is a group source.
    public var isEnabled: Bool { directory != nil }

    /// What this sign-in does with `email`'s groups. Never throws: a source failure is logged and
    /// becomes ``GroupSyncDecision/keep(reason:)``.
    public func decide(for email: String) async -> GroupSyncDecision {
        guard let directory else { return .keep(reason: "group sync is not configured") }
        do {
            return rules.decide(fetched: try await directory.groups(of: email))
        } catch {
            logger.error(
                "Google group fetch failed; keeping the previous memberships",
                metadata: ["email": "\(email)", "error": "\(error)"])
            return .keep(reason: "the group source failed")
        }
    }

    /// Applies a ``GroupSyncDecision/replace(_:)`` decision: maps each address to its Agnes group
    /// (creating missing ones with `created_by` ``creator``) and replaces the user's `google_sync`
    /// memberships with exactly those. Other decisions change nothing. Returns the group names.
    @discardableResult
    public func apply(_ decision: GroupSyncDecision, userID: String) async throws -> Set<String> {
        guard case .replace(let emails) = decision else { return [] }
        var ids: Set<String> = []
        var names: Set<String> = []
        for email in emails.sorted() {
            let name = rules.groupName(for: email)
            ids.insert(try await group(named: name).id)
            names.insert(name)
        }
        try await groups.replaceMemberships(userID: userID, source: .googleSync, groupIDs: ids)
        return names
    }

    private func group(named name: String) async throws -> Group {
        if let existing = try await groups.find(name: name) { return existing }
        do {
            return try await groups.create(name: name, description: "Google Workspace group", createdBy: Self.creator)
        } catch let error as StoreError where error.code == .conflict {
            // Another sign-in created it a moment ago.
            guard let existing = try await groups.find(name: name) else { throw error }
            return existing
        }
    }
}
