import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import _CryptoExtras

/// A fake of Google's side of sign-in on 127.0.0.1, speaking the real protocols: the OAuth token
/// endpoint (authorization-code grant with client secret and PKCE S256, and the JWT-bearer grant of a
/// service account), the JWKS, RS256-signed id tokens, and the Directory API's `groups.list`.
/// The consent screen is ``consent(to:as:)``: it reads an authorization URL and hands out a code.
final class FakeGoogle: Sendable {
    static let clientID = "agnes-test.apps.googleusercontent.com"
    static let clientSecret = "test-client-secret"
    static let adminSubject = "admin@example.com"
    static let serviceAccount = "agnes-sync@project.iam.gserviceaccount.com"
    static let directoryScope = "https://www.googleapis.com/auth/admin.directory.group.readonly"
    static let directoryAccessToken = "ya29.directory-token"
    static let signingKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let serviceAccountKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    /// Who signs in at the consent screen.
    struct Identity: Sendable {
        var email: String?
        var name: String? = "Ana Nováková"
        var isEmailVerified = true
        var subject = "1000001"
    }

    struct PendingCode {
        let redirectURI: String
        let nonce: String
        let challenge: String
        let identity: Identity
    }

    struct State {
        var baseURL = ""
        var codes: [String: PendingCode] = [:]
        var tokenRequests = 0
        var jwksFetches = 0
        var tokenEndpointFails = false
        var directoryGroups: [String: [String]] = [:]
        var directoryFails = false
        var directoryRequests = 0
        var serviceAccountGrants = 0
    }

    let state = Mutex(State())

    var baseURL: String { state.withLock { $0.baseURL } }
    var tokenRequests: Int { state.withLock { $0.tokenRequests } }

    /// The environment that points Agnes at this fake.
    var environment: [String: String] {
        let base = baseURL
        return [
            "GOOGLE_CLIENT_ID": Self.clientID, "GOOGLE_CLIENT_SECRET": Self.clientSecret, "GOOGLE_OIDC_ISSUER": base,
            "GOOGLE_OIDC_AUTHORIZATION_ENDPOINT": base + "/o/oauth2/v2/auth",
            "GOOGLE_OIDC_TOKEN_ENDPOINT": base + "/token", "GOOGLE_OIDC_JWKS_URI": base + "/oauth2/v3/certs",
        ]
    }

    /// The environment for Directory API group sync, with a key file written to `directory`.
    func directoryEnvironment(keyFileIn directory: URL) throws -> [String: String] {
        let keyFile = directory.appendingPathComponent("service-account.json")
        let key: [String: String] = [
            "type": "service_account", "client_email": Self.serviceAccount, "private_key_id": "sa-key-1",
            "private_key": Self.serviceAccountKey.pkcs8PEMRepresentation, "token_uri": baseURL + "/sa-token",
        ]
        try JSONSerialization.data(withJSONObject: key).write(to: keyFile)
        return [
            "GOOGLE_ADMIN_SDK_SUBJECT": Self.adminSubject, "GOOGLE_APPLICATION_CREDENTIALS": keyFile.path,
            "GOOGLE_DIRECTORY_API_BASE": baseURL,
        ]
    }

    /// The consent screen: checks the authorization request and returns the code and state Google
    /// would send back to the redirect URI.
    func consent(to authorizationURL: String, as identity: Identity) throws -> (code: String, state: String) {
        guard let components = URLComponents(string: authorizationURL),
            authorizationURL.hasPrefix(baseURL + "/o/oauth2/v2/auth?")
        else { throw FakeError("not an authorization URL: \(authorizationURL)") }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { first, _ in first }
        guard query["response_type"] == "code", query["client_id"] == Self.clientID,
            query["code_challenge_method"] == "S256", let redirectURI = query["redirect_uri"],
            let nonce = query["nonce"], let challenge = query["code_challenge"], let state = query["state"]
        else { throw FakeError("incomplete authorization request: \(query)") }
        let code = "4/" + UUID().uuidString
        self.state.withLock {
            $0.codes[code] = PendingCode(
                redirectURI: redirectURI, nonce: nonce, challenge: challenge, identity: identity)
        }
        return (code, state)
    }

    /// Runs `body` while the fake serves, then stops it.
    func run(_ body: @Sendable (FakeGoogle) async throws -> Void) async throws {
        let router = Router()
        router.post("/token") { [self] request, _ in try await token(request) }
        router.get("/oauth2/v3/certs") { [self] _, _ in
            state.withLock { $0.jwksFetches += 1 }
            return Self.json(["keys": [Self.jwk(kid: "fake-key-1", key: Self.signingKey.publicKey)]])
        }
        router.post("/sa-token") { [self] request, _ in try await serviceAccountToken(request) }
        router.get("/admin/directory/v1/groups") { [self] request, _ in directoryGroups(request) }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: { () -> Logger in
                var logger = Logger(label: "fake-google")
                logger.logLevel = .critical
                return logger
            }()
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            state.withLock { $0.baseURL = "http://127.0.0.1:\(port)" }
            do {
                try await body(self)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    // MARK: - Endpoints

    private func token(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        let pending = state.withLock { state -> PendingCode? in
            state.tokenRequests += 1
            return form["code"].flatMap { state.codes.removeValue(forKey: $0) }
        }
        if state.withLock({ $0.tokenEndpointFails }) {
            return Self.json(["error": "server_error"], status: .internalServerError)
        }
        guard form["client_id"] == Self.clientID, form["client_secret"] == Self.clientSecret else {
            return Self.json(["error": "invalid_client"], status: .unauthorized)
        }
        guard form["grant_type"] == "authorization_code", let pending, form["redirect_uri"] == pending.redirectURI,
            let verifier = form["code_verifier"], Self.s256(verifier) == pending.challenge
        else {
            return Self.json(["error": "invalid_grant", "error_description": "Bad Request"], status: .badRequest)
        }
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: Any] = [
            "iss": baseURL, "aud": Self.clientID, "azp": Self.clientID, "sub": pending.identity.subject,
            "iat": now, "exp": now + 3600, "nonce": pending.nonce, "at_hash": "x",
        ]
        if let email = pending.identity.email {
            claims["email"] = email
            claims["email_verified"] = pending.identity.isEmailVerified
        }
        claims["name"] = pending.identity.name
        return Self.json([
            "access_token": "ya29.user", "expires_in": 3599, "token_type": "Bearer", "scope": "openid email profile",
            "id_token": Self.rs256(claims, kid: "fake-key-1", key: Self.signingKey),
        ])
    }

    private func serviceAccountToken(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer", let assertion = form["assertion"]
        else { return Self.json(["error": "unsupported_grant_type"], status: .badRequest) }
        let parts = assertion.split(separator: ".")
        guard parts.count == 3, let signature = Self.base64URLDecode(parts[2]),
            Self.serviceAccountKey.publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: Data("\(parts[0]).\(parts[1])".utf8),
                padding: .insecurePKCS1v1_5),
            let payload = Self.base64URLDecode(parts[1]),
            let claims = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
            claims["iss"] as? String == Self.serviceAccount, claims["sub"] as? String == Self.adminSubject,
            claims["scope"] as? String == Self.directoryScope, claims["aud"] as? String == baseURL + "/sa-token"
        else { return Self.json(["error": "invalid_grant"], status: .badRequest) }
        state.withLock { $0.serviceAccountGrants += 1 }
        return Self.json(["access_token": Self.directoryAccessToken, "expires_in": 3599, "token_type": "Bearer"])
    }

    private func directoryGroups(_ request: Request) -> Response {
        guard request.headers[.authorization] == "Bearer \(Self.directoryAccessToken)" else {
            return Self.json(["error": ["code": 401, "message": "Login Required."]], status: .unauthorized)
        }
        let query = request.uri.queryParameters
        let (fails, groups) = state.withLock { state in
            state.directoryRequests += 1
            return (state.directoryFails, state.directoryGroups[query.get("userKey") ?? ""] ?? [])
        }
        if fails {
            return Self.json(["error": ["code": 503, "message": "Backend Error"]], status: .serviceUnavailable)
        }
        // Two groups a page, so sign-in has to follow nextPageToken.
        let start = Int(query.get("pageToken") ?? "0") ?? 0
        let page = Array(groups.dropFirst(start).prefix(2))
        var body: [String: Any] = [
            "kind": "admin#directory#groups",
            "groups": page.map { ["kind": "admin#directory#group", "email": $0, "name": $0] },
        ]
        if start + 2 < groups.count { body["nextPageToken"] = String(start + 2) }
        return Self.json(body)
    }

    // MARK: - Encoding

    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 1 << 16)
        var components = URLComponents()
        components.percentEncodedQuery = String(buffer: body)
        return Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { first, _ in first }
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = try! JSONSerialization.data(withJSONObject: object)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func s256(_ verifier: String) -> String {
        base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    static func rs256(_ claims: [String: Any], kid: String, key: _RSA.Signing.PrivateKey) -> String {
        let header = try! JSONSerialization.data(withJSONObject: ["alg": "RS256", "kid": kid, "typ": "JWT"])
        let payload = try! JSONSerialization.data(withJSONObject: claims)
        let input = "\(base64URL(header)).\(base64URL(payload))"
        let signature = try! key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return "\(input).\(base64URL(signature.rawRepresentation))"
    }

    static func jwk(kid: String, key: _RSA.Signing.PublicKey) -> [String: Any] {
        let primitives = try! key.getKeyPrimitives()
        return [
            "kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": base64URL(primitives.modulus),
            "e": base64URL(primitives.publicExponent),
        ]
    }
}

struct FakeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
