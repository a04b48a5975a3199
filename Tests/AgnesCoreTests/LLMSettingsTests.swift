import Foundation
import Testing

@testable import AgnesCore

/// The `ai` section, and the environment when there is none (REFERENCE §5.4).
@Suite struct LLMSettingsTests {
    let fixture: InstanceFixture

    init() throws { fixture = try InstanceFixture() }

    @Test func withoutASectionTheKeyComesFromTheEnvironment() throws {
        #expect(try fixture.load().llm.missing?.contains("ANTHROPIC_API_KEY") == true)
        let anthropic = try fixture.load(["ANTHROPIC_API_KEY": "sk-a", "ANTHROPIC_BASE_URL": "http://127.0.0.1:9/"]).llm
        #expect(anthropic.apiKey == "sk-a" && anthropic.keySource == "$ANTHROPIC_API_KEY")
        #expect(anthropic.baseURL == "http://127.0.0.1:9" && anthropic.provider == .anthropic)
        let legacy = try fixture.load(["LLM_API_KEY": "sk-l"]).llm
        #expect(legacy.apiKey == "sk-l" && legacy.baseURL == LLMSettings.anthropicBaseURL)
        #expect(!anthropic.description.contains("sk-a"), "the key never shows")
    }

    @Test func theSectionNamesProviderModelAndMode() throws {
        try fixture.writeStatic(
            """
            ai:
              provider: openai_compat
              api_key: ${LOCAL_LLM_KEY}
              model: qwen2.5
              base_url: http://127.0.0.1:11434/v1
              structured_output: json
            """)
        let settings = try fixture.load(["LOCAL_LLM_KEY": "k"]).llm
        #expect(settings.provider == .openAICompatible && settings.model == "qwen2.5")
        #expect(settings.baseURL == "http://127.0.0.1:11434/v1" && settings.structuredOutput == .json)
        try fixture.writeStatic("ai:\n  anthropic_api_key: legacy\n")
        let legacy = try fixture.load().llm
        #expect(legacy.apiKey == "legacy" && legacy.model == LLMSettings.defaultModel)
        // The original's example: an empty model is the default, `structured_output: true` is auto.
        try fixture.writeStatic("ai:\n  api_key: k\n  model: \"\"\n  structured_output: true\n")
        let example = try fixture.load().llm
        #expect(example.model == LLMSettings.defaultModel && example.structuredOutput == .auto)
    }

    @Test(arguments: [
        ("ai:\n  provider: gpt\n  api_key: k\n", "ai.provider"),
        ("ai:\n  provider: openai_compat\n  api_key: k\n", "ai.base_url"),
        ("ai:\n  api_key: k\n  structured_output: loose\n", "ai.structured_output"),
        ("ai:\n  api_key: k\n  base_url: ftp://x\n", "ai.base_url"),
        ("ai:\n  api_key: k\n  verify_ssl: maybe\n", "ai.verify_ssl"),
    ])
    func aBadValueRefusesStartNamingTheKey(_ yaml: String, _ key: String) throws {
        try fixture.writeStatic(yaml)
        let error = #expect(throws: ConfigError.self) { try fixture.load() }
        #expect(error?.message.contains(key) == true, "\(error?.message ?? "")")
    }
}
