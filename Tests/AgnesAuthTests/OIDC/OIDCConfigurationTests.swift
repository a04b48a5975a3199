import AgnesAuth
import Foundation
import Testing

@Suite struct OIDCConfigurationTests {
    @Test func googleNeedsBothClientIDAndSecret() {
        #expect(OIDCConfiguration.google(environment: [:]) == nil)
        #expect(OIDCConfiguration.google(environment: ["GOOGLE_CLIENT_ID": "id"]) == nil)
        #expect(OIDCConfiguration.google(environment: ["GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "  "]) == nil)
    }

    @Test func googleDefaultsToGooglesEndpoints() throws {
        let google = try #require(
            OIDCConfiguration.google(environment: ["GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "secret"]))
        #expect(google.issuer == "https://accounts.google.com")
        #expect(google.authorizationEndpoint == "https://accounts.google.com/o/oauth2/v2/auth")
        #expect(google.tokenEndpoint == "https://oauth2.googleapis.com/token")
        #expect(google.jwksURI == "https://www.googleapis.com/oauth2/v3/certs")
        #expect(google.acceptedIssuers == ["https://accounts.google.com", "accounts.google.com"])
    }

    @Test func endpointsCanBeOverridden() throws {
        let google = try #require(
            OIDCConfiguration.google(environment: [
                "GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "secret",
                "GOOGLE_OIDC_ISSUER": "http://127.0.0.1:9",
                "GOOGLE_OIDC_AUTHORIZATION_ENDPOINT": "http://127.0.0.1:9/a",
                "GOOGLE_OIDC_TOKEN_ENDPOINT": "http://127.0.0.1:9/t", "GOOGLE_OIDC_JWKS_URI": "http://127.0.0.1:9/k",
            ]))
        #expect(google.acceptedIssuers == ["http://127.0.0.1:9"])
        #expect(google.authorizationEndpoint == "http://127.0.0.1:9/a")
        #expect(google.tokenEndpoint == "http://127.0.0.1:9/t")
        #expect(google.jwksURI == "http://127.0.0.1:9/k")
    }

    @Test func theAuthorizationURLCarriesEveryParameterEncoded() throws {
        let google = try #require(
            OIDCConfiguration.google(environment: ["GOOGLE_CLIENT_ID": "id+1", "GOOGLE_CLIENT_SECRET": "secret"]))
        let attempt = OIDCAuthorizationRequest()
        let url = google.authorizationURL(
            for: attempt, redirectURI: "https://agnes.example.com/auth/google/callback?x=1&y=2")
        let components = try #require(URLComponents(string: url))
        #expect(components.host == "accounts.google.com")
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(
            query == [
                "response_type": "code", "client_id": "id+1",
                "redirect_uri": "https://agnes.example.com/auth/google/callback?x=1&y=2",
                "scope": "openid email profile", "state": attempt.state, "nonce": attempt.nonce,
                "code_challenge": attempt.codeChallenge, "code_challenge_method": "S256",
            ])
        #expect(!url.contains("secret"))
    }

    @Test func pkceChallengeIsS256OfTheVerifier() {
        // RFC 7636 appendix B.
        let attempt = OIDCAuthorizationRequest(
            state: "s", nonce: "n", codeVerifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(attempt.codeChallenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func attemptsAreRandomAndURLSafe() {
        let first = OIDCAuthorizationRequest()
        let second = OIDCAuthorizationRequest()
        #expect(Set([first.state, first.nonce, first.codeVerifier, second.state]).count == 4)
        for value in [first.state, first.nonce, first.codeVerifier] {
            #expect(value.count == 43)
            #expect(value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        }
    }
}
