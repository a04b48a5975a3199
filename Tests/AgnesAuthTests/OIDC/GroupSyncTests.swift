import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Logging
import Testing
import _CryptoExtras

@Suite struct GroupSyncRulesTests {
    @Test(
        arguments: [
            // No prefix: every group counts, lowercased and deduplicated.
            (
                nil, ["Eng@Example.com", "eng@example.com", " ops@example.com "],
                "replace eng@example.com ops@example.com"
            ),
            (nil, [], "keep"),
            (nil, [" ", ""], "keep"),
            // With a prefix only matching local parts count; no match in a non-empty answer denies.
            ("grp_acme_", ["grp_acme_eng@example.com", "other@example.com"], "replace grp_acme_eng@example.com"),
            ("GRP_ACME_", ["Grp_Acme_Eng@example.com"], "replace grp_acme_eng@example.com"),
            ("grp_acme_", ["other@grp_acme_.com", "drinks@example.com"], "deny"),
            ("grp_acme_", [], "keep"),
        ] as [(String?, [String], String)])
    func decisions(prefix: String?, fetched: [String], expected: String) {
        let decision = GroupSyncRules(prefix: prefix).decide(fetched: fetched)
        let summary =
            switch decision {
            case .keep: "keep"
            case .deny: "deny"
            case .replace(let groups): (["replace"] + groups.sorted()).joined(separator: " ")
            }
        #expect(summary == expected)
    }

    @Test func mappedAddressesNameTheSystemGroups() {
        let rules = GroupSyncRules(
            environment: [
                "AGNES_GROUP_ADMIN_EMAIL": "Admins@Example.com", "AGNES_GROUP_EVERYONE_EMAIL": "all@example.com",
                "AGNES_GOOGLE_GROUP_PREFIX": " ",
            ])
        #expect(rules.prefix == nil)
        #expect(rules.groupName(for: "admins@example.com") == "Admin")
        #expect(rules.groupName(for: "all@example.com") == "Everyone")
        #expect(rules.groupName(for: "eng@example.com") == "eng@example.com")
    }
}

@Suite struct GroupSyncTests {
    struct FailingDirectory: GroupDirectory {
        func groups(of userEmail: String) async throws -> [String] {
            throw OIDCError(.providerUnavailable, "directory down")
        }
    }

    static let logger = Logger(label: "test")
    static let rules = GroupSyncRules(adminGroupEmail: "admins@example.com", everyoneGroupEmail: "all@example.com")

    func memberships(_ store: SystemStore, _ userID: String) async throws -> [String: MembershipSource] {
        let groups = DuckDBGroupRepository(store: store)
        var result: [String: MembershipSource] = [:]
        for group in try await groups.groups(ofUser: userID) {
            let membership = try await groups.members(groupID: group.id).first { $0.userID == userID }
            result[group.name] = membership?.source
        }
        return result
    }

    @Test func groupsMapToAdminEveryoneOrNewGroupsAndReplaceWholesale() async throws {
        let store = try await SystemStore.inMemory()
        let user = try await DuckDBUserRepository(store: store).create(User(id: "u1", email: "ana@example.com"))
        let groups = DuckDBGroupRepository(store: store)
        let analysts = try await groups.create(name: "Analysts", description: nil, createdBy: "root")
        try await groups.addMember(userID: user.id, groupID: analysts.id, source: .admin, addedBy: "root")
        let sync = GoogleGroupSync(directory: nil, rules: Self.rules, store: store, logger: Self.logger)

        let first = try await sync.apply(
            .replace(["admins@example.com", "all@example.com", "eng@example.com"]), userID: user.id)
        #expect(first == ["Admin", "Everyone", "eng@example.com"])
        #expect(
            try await memberships(store, user.id) == [
                "Admin": .googleSync, "Everyone": .googleSync, "eng@example.com": .googleSync, "Analysts": .admin,
            ])
        let created = try #require(try await groups.find(name: "eng@example.com"))
        #expect(created.createdBy == "system:google-sync")
        #expect(!created.isSystem)

        try await sync.apply(.replace(["ops@example.com"]), userID: user.id)
        #expect(try await memberships(store, user.id) == ["ops@example.com": .googleSync, "Analysts": .admin])
        #expect(try await !groups.isAdmin(userID: user.id))

        for decision in [GroupSyncDecision.keep(reason: "x"), .deny] {
            try await sync.apply(decision, userID: user.id)
        }
        #expect(try await memberships(store, user.id) == ["ops@example.com": .googleSync, "Analysts": .admin])
    }

    @Test func aGroupSyncNeverDowngradesAnAdminAssignedMembership() async throws {
        let store = try await SystemStore.inMemory()
        let user = try await DuckDBUserRepository(store: store).create(User(id: "u1", email: "ana@example.com"))
        let groups = DuckDBGroupRepository(store: store)
        let admin = try #require(try await groups.find(name: "Admin"))
        try await groups.addMember(userID: user.id, groupID: admin.id, source: .systemSeed, addedBy: "seed")
        let sync = GoogleGroupSync(directory: nil, rules: Self.rules, store: store, logger: Self.logger)
        try await sync.apply(.replace(["admins@example.com"]), userID: user.id)
        try await sync.apply(.replace(["eng@example.com"]), userID: user.id)
        #expect(try await memberships(store, user.id) == ["Admin": .systemSeed, "eng@example.com": .googleSync])
    }

    @Test func aFailingSourceKeepsThePreviousMemberships() async throws {
        let store = try await SystemStore.inMemory()
        let sync = GoogleGroupSync(directory: FailingDirectory(), rules: Self.rules, store: store, logger: Self.logger)
        #expect(sync.isEnabled)
        guard case .keep = await sync.decide(for: "ana@example.com") else {
            Issue.record("a failing source must keep memberships")
            return
        }
    }

    @Test func theEnvironmentChoosesTheSource() async throws {
        let store = try await SystemStore.inMemory()
        let off = GoogleGroupSync(environment: [:], store: store, logger: Self.logger)
        #expect(!off.isEnabled)
        #expect(await off.decide(for: "ana@example.com") == .keep(reason: "group sync is not configured"))
        let mock = GoogleGroupSync(
            environment: ["GOOGLE_ADMIN_SDK_MOCK_GROUPS": "a@example.com, b@example.com,"], store: store,
            logger: Self.logger)
        #expect(await mock.decide(for: "ana@example.com") == .replace(["a@example.com", "b@example.com"]))
        let emptyMock = GoogleGroupSync(
            environment: ["GOOGLE_ADMIN_SDK_MOCK_GROUPS": ""], store: store, logger: Self.logger)
        #expect(emptyMock.isEnabled)
        guard case .keep = await emptyMock.decide(for: "ana@example.com") else {
            Issue.record("an empty answer must keep memberships")
            return
        }
        let noKey = GoogleGroupSync(
            environment: ["GOOGLE_ADMIN_SDK_SUBJECT": "admin@example.com"], store: store, logger: Self.logger)
        #expect(!noKey.isEnabled)
    }
}

@Suite struct GroupSyncServiceAccountTests {
    @Test func theAssertionIsAnRS256JWTBearerGrantForTheSubject() throws {
        let key = ServiceAccountKey(
            clientEmail: "agnes@project.iam.gserviceaccount.com",
            privateKeyPEM: TestJWT.providerKey.pkcs8PEMRepresentation, privateKeyID: "kid-9",
            tokenURI: "https://oauth2.googleapis.com/token")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let assertion = try key.assertion(subject: "admin@example.com", scope: GoogleDirectoryClient.scope, now: now)
        let parts = assertion.split(separator: ".")
        #expect(parts.count == 3)
        let header = try JSONSerialization.jsonObject(with: try #require(TestJWT.base64URLDecode(parts[0])))
        #expect(header as? [String: String] == ["alg": "RS256", "typ": "JWT", "kid": "kid-9"])
        let payload = try #require(TestJWT.base64URLDecode(parts[1]))
        let claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        #expect(claims["iss"] as? String == "agnes@project.iam.gserviceaccount.com")
        #expect(claims["sub"] as? String == "admin@example.com")
        #expect(claims["aud"] as? String == "https://oauth2.googleapis.com/token")
        #expect(claims["scope"] as? String == "https://www.googleapis.com/auth/admin.directory.group.readonly")
        #expect(claims["iat"] as? Int == 1_800_000_000)
        #expect(claims["exp"] as? Int == 1_800_003_600)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: try #require(TestJWT.base64URLDecode(parts[2])))
        #expect(
            TestJWT.providerKey.publicKey.isValidSignature(
                signature, for: Data("\(parts[0]).\(parts[1])".utf8), padding: .insecurePKCS1v1_5))
    }

    @Test func aMissingOrBrokenKeyFileIsAConfigurationError() throws {
        let missing = #expect(throws: OIDCError.self) {
            try ServiceAccountKey(contentsOf: URL(fileURLWithPath: "/nonexistent/sa.json"))
        }
        #expect(missing?.code == .misconfigured)
        let key = ServiceAccountKey(
            clientEmail: "a@b", privateKeyPEM: "not a key", privateKeyID: nil, tokenURI: "https://x")
        let broken = #expect(throws: OIDCError.self) { try key.assertion(subject: "s", scope: "x", now: Date()) }
        #expect(broken?.code == .misconfigured)
    }
}
