import AgnesTestSupport
import Foundation
import Logging
import Testing

@testable import AgnesCore

@Suite struct AgnesSettingsTests {
    let fixture: InstanceFixture

    init() throws {
        fixture = try InstanceFixture()
    }

    @Test func emptyEnvironmentGivesTheDocumentedDefaults() throws {
        let settings = try fixture.load()
        let defaults = AgnesSettings()
        #expect(settings.jwtSecretKey == nil)
        #expect(settings.sessionSecret == nil)
        #expect(settings.corsOrigins == ["http://localhost:3000", "http://localhost:8000"])
        #expect(settings.logLevel == .info)
        #expect(!settings.isDebug)
        #expect(!settings.isTesting)
        #expect(settings.serverURL == nil)
        #expect(settings.seedAdminEmail == nil)
        #expect(!settings.isLocalDevMode)
        #expect(settings.localDevUserEmail == "dev@localhost")
        #expect(settings.isAuthRateLimitEnabled)
        #expect(settings.remoteAttachExtensions == ["keboola", "bigquery"])
        #expect(settings.remoteAttachTokenEnvs == defaults.remoteAttachTokenEnvs)
        #expect(settings.scan == defaults.scan)
        #expect(settings.remoteQuery == defaults.remoteQuery)
    }

    @Test func readsEveryVariable() throws {
        let secret = String(repeating: "a", count: 64)
        let settings = try fixture.load([
            "JWT_SECRET_KEY": secret, "SESSION_SECRET": secret,
            "CORS_ORIGINS": " https://a.example , ,https://b.example/,http://[::1]:3000",
            "SERVER_URL": "https://agnes.example.com", "SEED_ADMIN_EMAIL": "admin@example.com",
            "SEED_ADMIN_PASSWORD": "pw", "LOCAL_DEV_USER_EMAIL": "me@example.com", "SCHEDULER_API_TOKEN": "tok",
            "AGNES_REMOTE_ATTACH_EXTENSIONS": "keboola", "AGNES_REMOTE_ATTACH_TOKEN_ENVS": "KBC_TOKEN,MY_TOKEN_2",
        ])
        #expect(settings.jwtSecretKey == secret)
        #expect(settings.sessionSecret == secret)
        #expect(settings.corsOrigins == ["https://a.example", "https://b.example/", "http://[::1]:3000"])
        #expect(settings.serverURL == URL(string: "https://agnes.example.com"))
        #expect(settings.seedAdminEmail == "admin@example.com")
        #expect(settings.seedAdminPassword == "pw")
        #expect(settings.localDevUserEmail == "me@example.com")
        #expect(settings.schedulerAPIToken == "tok")
        #expect(settings.remoteAttachExtensions == ["keboola"])
        #expect(settings.remoteAttachTokenEnvs == ["KBC_TOKEN", "MY_TOKEN_2"])
    }

    @Test func customConnectorsLiveNextToTheConfigurationDirectoryUnlessCONNECTORS_DIRSaysOtherwise() throws {
        let settings = try fixture.load()
        let configDir = settings.configDir as NSString
        #expect(
            settings.connectorsDir
                == (configDir.deletingLastPathComponent as NSString).appendingPathComponent("connectors/custom"))
        #expect(try fixture.load(["CONNECTORS_DIR": "/srv/connectors"]).connectorsDir == "/srv/connectors")
        #expect(AgnesSettings.defaultConnectorsDir(configDir: "./config") == "./connectors/custom")
        #expect(AgnesSettings.defaultConnectorsDir(configDir: "config") == "./connectors/custom")
        #expect(AgnesSettings.defaultConnectorsDir(configDir: "/app/config/") == "/app/connectors/custom")
        #expect(AgnesSettings().connectorsDir == nil, "settings built in code run no custom connector")
    }

    @Test func blankValuesCountAsUnset() throws {
        let settings = try fixture.load([
            "JWT_SECRET_KEY": "  ", "CORS_ORIGINS": ",", "LOG_LEVEL": "", "DATA_SOURCE": "",
        ])
        #expect(settings.jwtSecretKey == nil)
        #expect(settings.corsOrigins == AgnesSettings.defaultCORSOrigins)
        #expect(settings.logLevel == .info)
        #expect(settings.dataSourceType == .local)
    }

    @Test(arguments: [
        ("1", true), ("TRUE", true), ("yes", true), ("On", true), ("0", false), ("false", false), ("NO", false),
        ("off", false),
    ])
    func flagsAcceptTheUsualSpellings(value: String, expected: Bool) throws {
        let settings = try fixture.load(["DEBUG": value, "TESTING": value, "LOCAL_DEV_MODE": value])
        #expect(settings.isDebug == expected)
        #expect(settings.isTesting == expected)
        #expect(settings.isLocalDevMode == expected)
    }

    @Test(arguments: [("0", false), ("false", false), ("no", false), ("off", false), ("1", true), ("yes", true)])
    func authRateLimitIsOnUnlessDisabled(value: String, expected: Bool) throws {
        #expect(try fixture.load(["AGNES_AUTH_RATELIMIT_ENABLED": value]).isAuthRateLimitEnabled == expected)
    }

    @Test(arguments: [
        ("trace", Logger.Level.trace), ("DEBUG", .debug), ("Notice", .notice), ("warning", .warning),
        ("CRITICAL", .critical),
    ])
    func logLevelIsCaseInsensitive(value: String, expected: Logger.Level) throws {
        #expect(try fixture.load(["LOG_LEVEL": value]).logLevel == expected)
    }

    @Test(arguments: [
        ("LOG_LEVEL", "loud", #"expected one of trace, debug, info, notice, warning, error, critical, got "loud""#),
        ("DATA_SOURCE", "oracle", #"expected one of keboola, bigquery, local, got "oracle""#),
        ("DEBUG", "maybe", #"expected one of 1, true, yes, on, 0, false, no, off, got "maybe""#),
        ("AGNES_AUTH_RATELIMIT_ENABLED", "disabled", #"got "disabled""#),
        (
            "SERVER_URL", "ftp://files.example.com",
            #"expected an http or https URL with a host, got "ftp://files.example.com""#
        ),
        ("SERVER_URL", "agnes.example.com", #"got "agnes.example.com""#),
        ("AGNES_REMOTE_ATTACH_EXTENSIONS", "keboola,bad-ext", #"got "bad-ext""#),
        ("AGNES_REMOTE_ATTACH_TOKEN_ENVS", "KBC_TOKEN,lower_case", #"got "lower_case""#),
        // With credentials allowed, `*` would let every site read answers with a signed-in cookie.
        ("CORS_ORIGINS", "http://localhost:3000,*", #"(never *: credentials are allowed), got "*""#),
        ("CORS_ORIGINS", "localhost:3000", #"got "localhost:3000""#),
        ("CORS_ORIGINS", "https://app.example.com/path", #"got "https://app.example.com/path""#),
        ("CORS_ORIGINS", "https://app.example.com?x=1", #"got "https://app.example.com?x=1""#),
        ("CORS_ORIGINS", "https://user@app.example.com", #"got "https://user@app.example.com""#),
        ("CORS_ORIGINS", "ftp://app.example.com", #"got "ftp://app.example.com""#),
        ("CORS_ORIGINS", "null", #"got "null""#),
    ])
    func invalidVariablesAreNamed(variable: String, value: String, detail: String) throws {
        let error = try #require(throws: ConfigError.self) { try fixture.load([variable: value]) }
        #expect(error.code == .invalidEnvironmentVariable)
        #expect(error.message.hasPrefix("environment variable \(variable): expected "))
        #expect(error.message.hasSuffix(detail))
    }

    @Test func shortJWTSecretIsRefusedWithoutShowingIt() throws {
        let error = try #require(throws: ConfigError.self) { try fixture.load(["JWT_SECRET_KEY": "tooshort"]) }
        #expect(
            error.message
                == "environment variable JWT_SECRET_KEY: expected at least 32 bytes (openssl rand -hex 32), got 8 bytes"
        )
        #expect(!error.message.contains("tooshort"))
    }

    @Test func shortSessionSecretIsOnlyAWarning() throws {
        let settings = try fixture.load(["SESSION_SECRET": "short"])
        #expect(settings.sessionSecret == "short")
        #expect(fixture.recorder.warnings.contains { $0.contains("SESSION_SECRET") && !$0.contains("short\"") })
    }
}
