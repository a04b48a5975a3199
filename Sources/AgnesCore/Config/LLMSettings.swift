import Foundation

/// The LLM corporate memory uses, from the `ai` section of `instance.yaml` (REFERENCE §5.4), else the
/// environment: `ANTHROPIC_API_KEY` (with `ANTHROPIC_BASE_URL`), then `LLM_API_KEY`, both meaning the
/// Anthropic provider. Without a key the LLM is not configured, and what needs it says so.
///
/// ```yaml
/// ai:
///   provider: anthropic            # or openai_compat (then base_url is required)
///   api_key: ${ANTHROPIC_API_KEY}
///   model: claude-haiku-4-5-20251001
///   base_url: https://api.anthropic.com
///   structured_output: auto        # strict | json | auto
/// ```
public struct LLMSettings: Sendable, Hashable, CustomStringConvertible {
    /// Which API the provider speaks.
    public enum Provider: String, Sendable, Hashable {
        case anthropic
        case openAICompatible = "openai_compat"
    }

    /// How structured output is asked for (OpenAI-compatible servers differ in what they support).
    public enum StructuredOutput: String, Sendable, Hashable {
        /// JSON-schema constrained output only.
        case strict
        /// JSON mode (`json_object`), no schema constraint.
        case json
        /// The schema first, then JSON mode, then JSON found in plain text.
        case auto
    }

    /// The original's default model.
    public static let defaultModel = "claude-haiku-4-5-20251001"
    /// Anthropic's API root.
    public static let anthropicBaseURL = "https://api.anthropic.com"

    public var provider: Provider
    /// The key; nil when not configured.
    public var apiKey: String?
    public var model: String
    /// The API root (without `/v1`).
    public var baseURL: String
    public var structuredOutput: StructuredOutput
    /// Whether TLS certificates are checked (`verify_ssl`).
    public var verifiesTLS: Bool
    /// Where the key came from, for messages (`ai.api_key`, `$ANTHROPIC_API_KEY`, …).
    public var keySource: String

    /// Creates settings; the default is "not configured".
    public init(
        provider: Provider = .anthropic, apiKey: String? = nil, model: String = LLMSettings.defaultModel,
        baseURL: String = LLMSettings.anthropicBaseURL, structuredOutput: StructuredOutput = .auto,
        verifiesTLS: Bool = true, keySource: String = "ai.api_key"
    ) {
        self.provider = provider
        self.apiKey = apiKey
        self.model = model
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.structuredOutput = structuredOutput
        self.verifiesTLS = verifiesTLS
        self.keySource = keySource
    }

    /// Why the LLM cannot be used, nil when it can.
    public var missing: String? {
        apiKey == nil
            ? "No LLM is configured: set ai.api_key (ai.provider, ai.model) in instance.yaml, or ANTHROPIC_API_KEY"
            : nil
    }

    /// Everything but the key.
    public var description: String {
        "LLMSettings(provider: \(provider.rawValue), model: \(model), base_url: \(baseURL), key: \(apiKey == nil ? "nil" : "***") from \(keySource), structured_output: \(structuredOutput.rawValue))"
    }

    /// Reads the section, else the environment.
    init(config: ConfigReader, environment: EnvironmentReader) throws(ConfigError) {
        func key(_ name: String) -> [String] { ["ai", name] }
        func invalid(_ name: String, _ expected: String, _ value: ConfigValue) -> ConfigError {
            .invalidValue(file: config.file(for: key(name)), key: "ai.\(name)", expected: expected, got: value)
        }
        let hasSection = try config.object(at: ["ai"]) != nil
        guard hasSection else {
            if let key = environment.string("ANTHROPIC_API_KEY"), !key.isEmpty {
                self.init(
                    apiKey: key, baseURL: environment.string("ANTHROPIC_BASE_URL") ?? Self.anthropicBaseURL,
                    keySource: "$ANTHROPIC_API_KEY")
            } else if let key = environment.string("LLM_API_KEY"), !key.isEmpty {
                self.init(
                    apiKey: key, baseURL: environment.string("ANTHROPIC_BASE_URL") ?? Self.anthropicBaseURL,
                    keySource: "$LLM_API_KEY")
            } else {
                self.init()
            }
            return
        }
        let providerText = try config.string(at: key("provider")) ?? "anthropic"
        guard let provider = Provider(rawValue: providerText) else {
            throw invalid("provider", "anthropic or openai_compat", .string(providerText))
        }
        var apiKey = try config.string(at: key("api_key"))
        if apiKey == nil { apiKey = try config.string(at: key("anthropic_api_key")) }
        var source = "ai.api_key"
        if apiKey?.isEmpty ?? true {
            apiKey = environment.string("ANTHROPIC_API_KEY") ?? environment.string("LLM_API_KEY")
            source = environment.string("ANTHROPIC_API_KEY") != nil ? "$ANTHROPIC_API_KEY" : "$LLM_API_KEY"
        }
        var base = try config.string(at: key("base_url"))?.trimmingCharacters(in: .whitespaces)
        if base?.isEmpty ?? true { base = nil }
        if let text = base {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else { throw invalid("base_url", "an http or https URL with a host", .string(text)) }
        }
        if provider == .openAICompatible, base == nil {
            throw .invalidValue(
                file: config.file(for: ["ai"]), key: "ai.base_url",
                expected: "the server's URL (openai_compat needs one)",
                got: .string(""))
        }
        // The original's example writes `structured_output: true`: true is `auto`, false plain JSON mode.
        var mode = StructuredOutput.auto
        if let value = try config.value(at: key("structured_output")) {
            if let flag = value.boolValue {
                mode = flag ? .auto : .json
            } else if let text = value.stringValue, let parsed = StructuredOutput(rawValue: text) {
                mode = parsed
            } else {
                throw invalid("structured_output", "strict, json or auto", value)
            }
        }
        var verifies = true
        if let flag = try config.value(at: key("verify_ssl")) {
            guard let value = flag.boolValue else { throw invalid("verify_ssl", "true or false", flag) }
            verifies = value
        }
        var model = try config.string(at: key("model"))?.trimmingCharacters(in: .whitespaces) ?? ""
        if model.isEmpty { model = Self.defaultModel }
        self.init(
            provider: provider, apiKey: apiKey?.isEmpty == false ? apiKey : nil, model: model,
            baseURL: base ?? environment.string("ANTHROPIC_BASE_URL") ?? Self.anthropicBaseURL,
            structuredOutput: mode, verifiesTLS: verifies, keySource: source)
    }
}
