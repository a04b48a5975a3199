import AgnesClient
import Foundation
import Testing

@Suite struct ClientSettingsTests {
    @Test func serverPrecedenceIsOptionThenEnvironmentThenConfigFileThenDefault() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = ConfigDirectory(url: directory.url)
        #expect(try ClientSettings.resolve(environment: [:], directory: config).server == "http://localhost:8000")
        try config.saveServer("https://file.example.com/")
        let fromFile = try ClientSettings.resolve(environment: [:], directory: config)
        #expect(fromFile.server == "https://file.example.com" && fromFile.serverSource == .configFile)
        let environment = ["AGNES_SERVER": "http://env.example.com:9000"]
        #expect(
            try ClientSettings.resolve(environment: environment, directory: config).server
                == "http://env.example.com:9000")
        let option = try ClientSettings.resolve(environment: environment, directory: config, server: "http://opt:1")
        #expect(option.server == "http://opt:1" && option.serverSource == .option)
    }

    @Test func tokenPrecedenceIsOptionThenTokenFileThenEnvironment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = ConfigDirectory(url: directory.url)
        let environment = ["AGNES_TOKEN": "from-env"]
        #expect(try ClientSettings.resolve(environment: environment, directory: config).token == "from-env")
        try config.saveToken(StoredToken(accessToken: "from-file", email: "ana@example.com"))
        let fromFile = try ClientSettings.resolve(environment: environment, directory: config)
        #expect(
            fromFile.token == "from-file" && fromFile.email == "ana@example.com" && fromFile.tokenSource == .tokenFile)
        #expect(try ClientSettings.resolve(environment: environment, directory: config, token: "opt").token == "opt")
    }

    @Test func theTokenFileIsPrivateAndTheConfigFileKeepsOtherKeys() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = ConfigDirectory(url: directory.url.appendingPathComponent("nested/agnes"))
        try config.saveToken(StoredToken(accessToken: "secret", email: ""))
        let attributes = try FileManager.default.attributesOfItem(atPath: config.tokenFile.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: config.url.path)
        #expect((folder[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        try Data("server: http://a\ntheme: dark\n".utf8).write(to: config.configFile)
        try config.saveServer("http://b")
        let text = try String(contentsOf: config.configFile, encoding: .utf8)
        #expect(text.contains("theme: dark") && text.contains("server: http://b"))
        #expect(try config.deleteToken() && !(try config.deleteToken()))
    }

    @Test func missingTokenIsANotConfiguredErrorWithAHint() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = try ClientSettings.resolve(environment: [:], directory: ConfigDirectory(url: directory.url))
        let error = #expect(throws: ClientError.self) { try settings.requireToken() }
        #expect(error?.code == .notConfigured && error?.hint?.contains("agnes auth login") == true)
    }

    @Test(arguments: ["ftp://x", "not a url", "http://", "http://host?x=1", "http://user@host"])
    func badServerURLsAreRefused(_ url: String) {
        #expect(throws: ClientError.self) { try ClientSettings.normalizedServer(url) }
    }

    @Test func aDamagedTokenFileIsReported() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = ConfigDirectory(url: directory.url)
        try Data("{not json".utf8).write(to: config.tokenFile)
        let error = #expect(throws: ClientError.self) { try config.savedToken() }
        #expect(error?.message.contains("token.json is not a valid token file") == true)
    }

    @Test func theConfigDirectoryComesFromTheEnvironment() {
        #expect(ConfigDirectory(environment: ["AGNES_CONFIG_DIR": "/x/y"]).url.path == "/x/y")
        #expect(ConfigDirectory(environment: ["HOME": "/home/ana"]).url.path == "/home/ana/.config/agnes")
    }
}
