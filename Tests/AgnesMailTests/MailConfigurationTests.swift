import AgnesMail
import Testing

@Suite struct MailConfigurationTests {
    @Test func sendGridWinsWhenItsKeyIsSet() throws {
        let configuration = try #require(
            MailConfiguration.from(environment: [
                "SENDGRID_API_KEY": "SG.key", "EMAIL_FROM_ADDRESS": "agnes@example.com",
                "SMTP_HOST": "smtp.example.com",
            ])
        )
        #expect(configuration.transport == .sendGrid(apiKey: "SG.key", baseURL: "https://api.sendgrid.com"))
        #expect(configuration.from == "agnes@example.com")
        #expect(configuration.makeSender() is SendGridMailSender)
        #expect(!configuration.description.contains("SG.key"))
    }

    @Test func smtpDefaultsToSTARTTLSOnPort587() throws {
        let configuration = try #require(
            MailConfiguration.from(environment: ["SMTP_HOST": "smtp.example.com", "SMTP_FROM": "a@example.com"])
        )
        #expect(configuration.transport == .smtp(SMTPConfiguration(host: "smtp.example.com")))
        #expect(configuration.from == "a@example.com")
        #expect(configuration.makeSender() is SMTPMailSender)
    }

    @Test func smtpWithImplicitTLSAndLogin() throws {
        let configuration = try #require(
            MailConfiguration.from(environment: [
                "SMTP_HOST": "smtp.example.com", "SMTP_PORT": "465", "SMTP_USE_TLS": "true",
                "SMTP_USER": "agnes", "SMTP_PASSWORD": "s3cret",
            ])
        )
        let expected = SMTPConfiguration(
            host: "smtp.example.com",
            port: 465,
            security: .implicitTLS,
            credentials: .init(user: "agnes", password: "s3cret")
        )
        #expect(configuration.transport == .smtp(expected))
        #expect(!configuration.description.contains("s3cret"))
        #expect(!String(describing: expected.credentials).contains("s3cret"))
    }

    @Test func useTLSOtherThanTrueMeansPlainTextAndTrueOnAnyOtherPortMeansSTARTTLS() throws {
        let plain = try #require(
            MailConfiguration.from(environment: [
                "SMTP_HOST": "relay.local", "SMTP_PORT": "25", "SMTP_USE_TLS": "false",
            ])
        )
        #expect(plain.transport == .smtp(SMTPConfiguration(host: "relay.local", port: 25, security: .plaintext)))
        let upgraded = try #require(
            MailConfiguration.from(environment: [
                "SMTP_HOST": "smtp.example.com", "SMTP_PORT": "2525", "SMTP_USE_TLS": "TRUE",
            ])
        )
        #expect(
            upgraded.transport == .smtp(SMTPConfiguration(host: "smtp.example.com", port: 2525, security: .startTLS)))
    }

    @Test(arguments: [
        [:],
        ["SMTP_PORT": "25", "SMTP_USER": "agnes"],
        ["SENDGRID_API_KEY": "", "SMTP_HOST": " "],
    ])
    func nothingConfiguredIsNil(environment: [String: String]) {
        #expect(MailConfiguration.from(environment: environment) == nil)
    }
}
