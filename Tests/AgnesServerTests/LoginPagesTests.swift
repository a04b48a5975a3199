import AgnesAuth
import AgnesCore
import AgnesServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct LoginPagesTests {
    @Test func theLoginPageOffersWhatIsConfigured() async throws {
        let plain = try await ServerFixture.fast()
        try await plain.application.test(.router) { client in
            try await client.execute(uri: "/login?next=%2Fcatalog", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(html.contains("/login/password?next=%2Fcatalog"))
                #expect(!html.contains("/auth/google/login") && !html.contains("/login/email"))
            }
        }
        let full = try await ServerFixture(
            settings: {
                AgnesSettings(
                    dataDir: $0, serverURL: URL(string: "https://agnes.example.com"),
                    environment: ["GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "secret"])
            }, mailer: RecordingMailSender().mailer)
        try await full.application.test(.router) { client in
            try await client.execute(uri: "/login", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("/auth/google/login?next=%2Fdashboard") && html.contains("/login/email"))
            }
        }
    }

    @Test func errorCodesShowTheirMessageAndUnknownOnesNothing() async throws {
        let fixture = try await ServerFixture.fast()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/login/password?error=deactivated", method: .get) { response in
                #expect(String(buffer: response.body).contains("This account is deactivated"))
            }
            try await client.execute(uri: "/login/password?error=%3Cscript%3E", method: .get) { response in
                #expect(!String(buffer: response.body).contains("<script>"))
            }
            try await client.execute(uri: "/login/password?next=%22%3E%3Cscript%3E", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(!html.contains("\"><script>"))
                #expect(html.contains("name=\"next\" value=\"/dashboard\""))
            }
        }
    }

    @Test func theDashboardNeedsASessionAndSignOutClearsIt() async throws {
        let fixture = try await ServerFixture.fast()
        let session = try await fixture.session(try await fixture.user("ana@example.com"))
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/dashboard", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/login?next=%2Fdashboard")
            }
            try await client.execute(uri: "/", method: .get) { #expect($0.headers[.location] == "/login") }
            let cookie: HTTPFields = [.cookie: "access_token=\(session)"]
            try await client.execute(uri: "/dashboard", method: .get, headers: cookie) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("ana@example.com"))
            }
            try await client.execute(uri: "/", method: .get, headers: cookie) {
                #expect($0.headers[.location] == "/dashboard")
            }
            var logout = cookie
            logout[.origin] = "http://localhost"
            try await client.execute(uri: "/auth/logout", method: .post, headers: logout) { response in
                #expect(response.status == .found)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
        }
    }
}
