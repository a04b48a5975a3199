import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Testing

@Suite struct TemplateRepositoryTests {
    @Test(arguments: TemplateKind.allCases)
    func freshStoreUsesTheDefault(kind: TemplateKind) async throws {
        let templates = DuckDBTemplateRepository(store: try await SystemStore.inMemory())
        let template = try await templates.template(kind)
        #expect(template == StoredTemplate())
        #expect(template.isDefault)
    }

    @Test(arguments: TemplateKind.allCases)
    func setThenResetRecordsWhoAndWhen(kind: TemplateKind) async throws {
        let templates = DuckDBTemplateRepository(store: try await SystemStore.inMemory())
        try await templates.setTemplate(kind, content: "Hello {{ user.name }}", by: "admin", at: FixedInstant.base)
        #expect(
            try await templates.template(kind)
                == StoredTemplate(content: "Hello {{ user.name }}", updatedAt: FixedInstant.base, updatedBy: "admin"))
        try await templates.resetTemplate(kind, by: "other", at: FixedInstant.plus(5))
        #expect(
            try await templates.template(kind)
                == StoredTemplate(content: nil, updatedAt: FixedInstant.plus(5), updatedBy: "other"))
    }

    @Test func kindsAreStoredSeparately() async throws {
        let templates = DuckDBTemplateRepository(store: try await SystemStore.inMemory())
        try await templates.setTemplate(.welcome, content: "welcome", by: nil, at: FixedInstant.base)
        try await templates.setTemplate(.claudeMD, content: "claude", by: nil, at: FixedInstant.base)
        #expect(try await templates.template(.welcome).content == "welcome")
        #expect(try await templates.template(.claudeMD).content == "claude")
        #expect(try await templates.template(.setupBanner).isDefault)
    }

    @Test func aMissingSingletonRowIsRecreated() async throws {
        let store = try await SystemStore.inMemory()
        _ = try await store.write { try $0.run("DELETE FROM welcome_template") }
        let templates = DuckDBTemplateRepository(store: store)
        #expect(try await templates.template(.welcome).isDefault)
        try await templates.setTemplate(.welcome, content: "back", by: "admin", at: FixedInstant.base)
        #expect(try await templates.template(.welcome).content == "back")
    }
}
