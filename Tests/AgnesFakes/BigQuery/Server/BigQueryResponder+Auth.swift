import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import _CryptoExtras

extension BigQueryResponder {
    /// The scopes that let a token call the BigQuery API (jobs.query's "Authorization scopes").
    static let bigQueryScopes: Set<String> = [
        "https://www.googleapis.com/auth/bigquery", "https://www.googleapis.com/auth/cloud-platform",
        "https://www.googleapis.com/auth/bigquery.readonly", "https://www.googleapis.com/auth/cloud-platform.read-only",
    ]

    static let metadataFlavor = HTTPField.Name("Metadata-Flavor")!

    /// Why an API call may not proceed, nil when its bearer token is valid and scoped for BigQuery.
    func authorize(_ request: IncomingRequest) -> BigQueryError? {
        guard let authorization = request.header("authorization") else { return .loginRequired }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            let token = store.state.withLock({ $0.tokens[String(parts[1])] }), token.expiresAt > Date()
        else { return .invalidCredentials }
        return token.scopes.isDisjoint(with: Self.bigQueryScopes) ? .insufficientScopes : nil
    }

    /// `POST /token` with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…`.
    func token(_ request: IncomingRequest) -> Response {
        var form = URLComponents()
        form.percentEncodedQuery = request.body.replacingOccurrences(of: "+", with: "%20")
        let fields = Dictionary((form.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { first, _ in first }
        guard fields["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" else {
            return Self.oauthError(
                .init(error: "unsupported_grant_type", description: "Invalid grant_type: \(fields["grant_type"] ?? "")")
            )
        }
        guard let assertion = fields["assertion"] else {
            return Self.oauthError(
                .init(error: "invalid_request", description: "Missing required parameter: assertion"))
        }
        let grant = store.state.withLock { state in
            JWTBearerGrant(
                publicKey: store.signingKey.publicKey, keyID: store.keyID, tokenURI: state.baseURL + "/token",
                serviceAccounts: state.serviceAccounts)
        }
        do {
            let scopes = try grant.scopes(of: assertion, now: Date())
            let (token, lifetime) = store.state.withLock { state in
                state.tokensIssued += 1
                return (state.issueToken(scopes: scopes), state.tokenLifetime)
            }
            return BigQueryJSON.response(["access_token": token, "expires_in": lifetime, "token_type": "Bearer"])
        } catch {
            return Self.oauthError(error)
        }
    }

    /// The GCE metadata server: every request needs `Metadata-Flavor: Google`, every answer carries it.
    func metadata(_ route: BigQueryRoute, _ request: IncomingRequest) -> Response {
        let headers: HTTPFields = [Self.metadataFlavor: "Google"]
        guard request.header("metadata-flavor") == "Google" else {
            return BigQueryJSON.text("Missing Metadata-Flavor:Google header.", status: 403, headers: headers)
        }
        switch route {
        case .metadataToken:
            let scopes = request.queryParameters["scopes"].map { Set($0.split(separator: ",").map(String.init)) }
            let (token, lifetime) = store.state.withLock { state in
                state.metadataTokensIssued += 1
                let token = state.issueToken(scopes: scopes ?? ["https://www.googleapis.com/auth/cloud-platform"])
                return (token, state.tokenLifetime)
            }
            return BigQueryJSON.response(
                ["access_token": token, "expires_in": lifetime, "token_type": "Bearer"], headers: headers)
        case .metadataProjectID:
            return BigQueryJSON.text(store.state.withLock { $0.projectID }, headers: headers)
        case .metadataEmail:
            return BigQueryJSON.text("fake-compute@developer.gserviceaccount.com", headers: headers)
        default:
            return BigQueryJSON.text("computeMetadata/\n", headers: headers)
        }
    }

    private static func oauthError(_ refusal: JWTBearerGrant.Refusal) -> Response {
        BigQueryJSON.response(["error": refusal.error, "error_description": refusal.description], status: 400)
    }
}
