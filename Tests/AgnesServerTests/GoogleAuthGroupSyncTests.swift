import AgnesAuth
import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HummingbirdTesting
import Synchronization
import Testing

/// Group sync at Google sign-in (REFERENCE §7), with the mock group list and with the Directory API
/// of ``FakeGoogle`` reached through a service account's domain-wide delegation.
@Suite(.timeLimit(.minutes(2))) struct GoogleAuthGroupSyncTests {
    static let mapping = [
        "AGNES_GROUP_ADMIN_EMAIL": "admins@example.com", "AGNES_GROUP_EVERYONE_EMAIL": "all@example.com",
    ]

    static func memberships(_ fixture: ServerFixture, email: String) async throws -> [String: MembershipSource] {
        let user = try #require(try await DuckDBUserRepository(store: fixture.services.store).find(email: email))
        let groups = DuckDBGroupRepository(store: fixture.services.store)
        var result: [String: MembershipSource] = [:]
        for group in try await groups.groups(ofUser: user.id) {
            result[group.name] = try await groups.members(groupID: group.id).first { $0.userID == user.id }?.source
        }
        return result
    }

    @Test func mockGroupsMapToAdminEveryoneAndNewGroups() async throws {
        try await FakeGoogle().run { google in
            var environment = Self.mapping
            environment["GOOGLE_ADMIN_SDK_MOCK_GROUPS"] = "Admins@example.com, all@example.com,eng@example.com"
            let fixture = try await GoogleAuthRoutesTests.fixture(google, environment: environment)
            try await fixture.application.test(.router) { client in
                let outcome = try await GoogleAuthRoutesTests.signIn(
                    client, google, as: .init(email: "ana@example.com"))
                let token = try #require(outcome.sessionToken)
                let caller = try await fixture.services.auth.authenticator.authenticate(
                    bearer: token, cookie: nil, clientIP: nil)
                #expect(caller.isAdmin)
            }
            #expect(
                try await Self.memberships(fixture, email: "ana@example.com") == [
                    "Admin": .googleSync, "Everyone": .googleSync, "eng@example.com": .googleSync,
                ])
            let eng = try await DuckDBGroupRepository(store: fixture.services.store).find(name: "eng@example.com")
            #expect(eng?.createdBy == "system:google-sync")
        }
    }

    @Test func directoryGroupsAreReplacedWholesaleAndAdminRowsStay() async throws {
        try await FakeGoogle().run { google in
            let keys = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-sa-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: keys) }
            let environment = Self.mapping.merging(try google.directoryEnvironment(keyFileIn: keys)) { $1 }
            let fixture = try await GoogleAuthRoutesTests.fixture(google, environment: environment)
            let groups = DuckDBGroupRepository(store: fixture.services.store)
            let ana = "ana@example.com"
            google.state.withLock {
                $0.directoryGroups[ana] = [
                    "admins@example.com", "all@example.com", "eng@example.com", "fin@example.com",
                ]
            }
            try await fixture.application.test(.router) { client in
                let first = try await GoogleAuthRoutesTests.signIn(client, google, as: .init(email: ana))
                #expect(first.location == "/catalog")
                #expect(
                    try await Self.memberships(fixture, email: ana) == [
                        "Admin": .googleSync, "Everyone": .googleSync, "eng@example.com": .googleSync,
                        "fin@example.com": .googleSync,
                    ])
                // An admin adds Ana to a group by hand; Workspace then drops her from most groups.
                let user = try #require(try await DuckDBUserRepository(store: fixture.services.store).find(email: ana))
                let analysts = try await groups.create(name: "Analysts", description: nil, createdBy: "root")
                try await groups.addMember(userID: user.id, groupID: analysts.id, source: .admin, addedBy: "root")
                google.state.withLock { $0.directoryGroups[ana] = ["eng@example.com"] }
                _ = try await GoogleAuthRoutesTests.signIn(client, google, as: .init(email: ana))
                let afterRemoval: [String: MembershipSource] = ["eng@example.com": .googleSync, "Analysts": .admin]
                #expect(try await Self.memberships(fixture, email: ana) == afterRemoval)
                #expect(try await !groups.isAdmin(userID: user.id))
                // An outage or an empty answer keeps what the last sign-in stored, and lets Ana in.
                google.state.withLock { $0.directoryFails = true }
                let duringOutage = try await GoogleAuthRoutesTests.signIn(client, google, as: .init(email: ana))
                #expect(duringOutage.sessionToken != nil)
                google.state.withLock {
                    $0.directoryFails = false
                    $0.directoryGroups[ana] = []
                }
                let withNoGroups = try await GoogleAuthRoutesTests.signIn(client, google, as: .init(email: ana))
                #expect(withNoGroups.sessionToken != nil)
                #expect(try await Self.memberships(fixture, email: ana) == afterRemoval)
            }
            let (grants, requests) = google.state.withLock { ($0.serviceAccountGrants, $0.directoryRequests) }
            #expect(grants == 1, "the access token is reused until it expires")
            #expect(requests == 2 + 1 + 1 + 1, "two pages, then one page each")
        }
    }

    @Test func thePrefixGateBlocksANonMatchingAnswerAndCreatesNoUser() async throws {
        try await FakeGoogle().run { google in
            let environment = [
                "AGNES_GOOGLE_GROUP_PREFIX": "grp_acme_",
                "GOOGLE_ADMIN_SDK_MOCK_GROUPS": "other@example.com,drinks@grp_acme_.example.com",
            ]
            let fixture = try await GoogleAuthRoutesTests.fixture(google, environment: environment)
            try await fixture.application.test(.router) { client in
                let outcome = try await GoogleAuthRoutesTests.signIn(
                    client, google, as: .init(email: "ana@example.com"))
                #expect(outcome.location == "/login?error=not_in_allowed_group")
                #expect(outcome.sessionToken == nil)
            }
            #expect(try await DuckDBUserRepository(store: fixture.services.store).count() == 0)
            #expect(try await GoogleAuthRoutesTests.auditResults(fixture) == ["login_failed not_in_allowed_group"])
        }
    }

    @Test func withAPrefixOnlyMatchingGroupsAreMirrored() async throws {
        try await FakeGoogle().run { google in
            let environment = [
                "AGNES_GOOGLE_GROUP_PREFIX": "grp_acme_", "AGNES_GROUP_ADMIN_EMAIL": "grp_acme_admin@example.com",
                "GOOGLE_ADMIN_SDK_MOCK_GROUPS": "grp_acme_admin@example.com,grp_acme_eng@example.com,other@example.com",
            ]
            let fixture = try await GoogleAuthRoutesTests.fixture(google, environment: environment)
            try await fixture.application.test(.router) { client in
                let outcome = try await GoogleAuthRoutesTests.signIn(
                    client, google, as: .init(email: "ana@example.com"))
                #expect(outcome.location == "/catalog")
            }
            #expect(
                try await Self.memberships(fixture, email: "ana@example.com") == [
                    "Admin": .googleSync, "grp_acme_eng@example.com": .googleSync,
                ])
            #expect(
                try await DuckDBGroupRepository(store: fixture.services.store).find(name: "other@example.com") == nil)
        }
    }
}
