import AgnesAuth
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// OAuth access tokens for BigQuery, found the way Google's client libraries find credentials:
/// a service-account key file named by `GOOGLE_APPLICATION_CREDENTIALS` signs an RS256 JWT-bearer
/// assertion (RFC 7523) that the key file's own `token_uri` exchanges; without one, the metadata
/// server at `GCE_METADATA_HOST` (default `metadata.google.internal`) hands out the attached service
/// account's token (`Metadata-Flavor: Google`). A token is reused until a minute before it expires;
/// the key file is read at each exchange, so a rotated key needs no restart.
public actor GoogleAccessTokens {
    /// Where tokens come from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        case serviceAccount(keyFile: String)
        case metadataServer(host: String)

        public var description: String {
            switch self {
            case .serviceAccount(let file): "the service-account key \(file) (GOOGLE_APPLICATION_CREDENTIALS)"
            case .metadataServer(let host): "the metadata server at \(host)"
            }
        }
    }

    /// The scope BigQuery calls need.
    public static let scope = "https://www.googleapis.com/auth/bigquery"

    public let source: Source
    let http: HTTPClient
    let now: @Sendable () -> Date
    private var cached: (token: String, expiresAt: Date)?

    /// The source `environment` names: the key file, else the metadata server.
    public static func source(environment: [String: String]) -> Source {
        if let file = environment["GOOGLE_APPLICATION_CREDENTIALS"], !file.isEmpty {
            return .serviceAccount(keyFile: file)
        }
        let host = environment["GCE_METADATA_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "metadata.google.internal"
        return .metadataServer(host: host)
    }

    public init(source: Source, http: HTTPClient, now: @escaping @Sendable () -> Date = Date.init) {
        self.source = source
        self.http = http
        self.now = now
    }

    /// A current access token.
    public func token() async throws -> String {
        if let cached, cached.expiresAt > now() { return cached.token }
        let grant: Grant
        switch source {
        case .serviceAccount(let file): grant = try await exchange(keyFile: file)
        case .metadataServer(let host): grant = try await metadata(host: host)
        }
        let lifetime = TimeInterval(grant.expiresIn ?? 3600)
        cached = (grant.accessToken, now().addingTimeInterval(max(0, lifetime - 60)))
        return grant.accessToken
    }

    /// Forgets the cached token (after BigQuery refused it).
    public func invalidate() { cached = nil }

    struct Grant: Decodable {
        let accessToken: String
        let expiresIn: Int?
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
        }
    }

    private func exchange(keyFile: String) async throws -> Grant {
        let key: ServiceAccountKey
        let assertion: String
        do {
            key = try ServiceAccountKey(contentsOf: URL(fileURLWithPath: keyFile))
            assertion = try key.assertion(subject: nil, scope: Self.scope, now: now())
        } catch {
            throw BigQueryError(
                .notConfigured, "GOOGLE_APPLICATION_CREDENTIALS: \(error)",
                hint: "point it at a service-account key file (JSON) downloaded from the Google Cloud console")
        }
        var request = HTTPClientRequest(url: key.tokenURI)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(
            ByteBuffer(
                string: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)"))
        return try await fetch(request, from: "the token endpoint \(key.tokenURI)")
    }

    private func metadata(host: String) async throws -> Grant {
        var request = HTTPClientRequest(
            url: "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token")
        request.headers.add(name: "Metadata-Flavor", value: "Google")
        return try await fetch(request, from: "the metadata server at \(host)", timeout: .seconds(5))
    }

    private func fetch(_ request: HTTPClientRequest, from what: String, timeout: TimeAmount = .seconds(30))
        async throws -> Grant
    {
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: timeout)
            body = try await response.body.collect(upTo: 1 << 20)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw BigQueryError(
                .authFailed, "no access token: \(what) cannot be reached (\(error))",
                hint:
                    "set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run where a metadata server answers"
            )
        }
        let status = Int(response.status.code)
        guard status == 200 else {
            let text = String(buffer: body).prefix(300)
            throw BigQueryError(
                .authFailed, "no access token: \(what) answered HTTP \(status): \(text)",
                hint: "check that the service account's key is current and not disabled")
        }
        do {
            return try JSONDecoder().decode(Grant.self, from: Data(buffer: body))
        } catch {
            throw BigQueryError(.authFailed, "no access token: \(what) answered without an access_token")
        }
    }
}
