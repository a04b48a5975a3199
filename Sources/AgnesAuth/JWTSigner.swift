import Crypto
import Foundation
import Synchronization

/// The claims Agnes puts in its tokens (REFERENCE §7): no role claim; admin is looked up per request.
public struct TokenClaims: Codable, Sendable, Hashable {
    /// The user id.
    public var sub: String
    /// The user's email at issue time.
    public var email: String
    /// `session` or `pat`.
    public var typ: String
    /// Issued at (seconds since the epoch).
    public var iat: Int
    /// Token id: a random id for sessions, the row id for PATs.
    public var jti: String
    /// Expiry (seconds since the epoch); absent for PATs that never expire.
    public var exp: Int?
    /// A PAT's scope (`general`, `bootstrap-analyst`).
    public var scope: String?
    /// Not before (seconds since the epoch); Agnes never sets it, but a token carrying one is honoured.
    public var nbf: Int?
    /// A session's epoch: the user's ``User/sessionEpoch`` when it was issued (absent means 0).
    public var sep: Int?

    /// Creates claims.
    public init(
        sub: String, email: String, typ: String, iat: Int, jti: String, exp: Int?, scope: String? = nil,
        nbf: Int? = nil, sep: Int? = nil
    ) {
        self.sub = sub
        self.email = email
        self.typ = typ
        self.iat = iat
        self.jti = jti
        self.exp = exp
        self.scope = scope
        self.nbf = nbf
        self.sep = sep
    }
}

/// Signs and verifies HS256 JSON Web Tokens. Verification accepts exactly `alg: HS256` (never
/// `none` or anything else) and only the canonical base64url encoding of each part, compares
/// signatures in constant time, requires `exp` on sessions and enforces it, and refuses a token
/// issued (`iat`) or valid (`nbf`) only in the future.
///
/// ```swift
/// let signer = try JWTSigner(secret: Array(secretText.utf8))
/// let token = signer.sign(claims)
/// let verified = try signer.verify(token, now: Date())
/// ```
public struct JWTSigner: Sendable {
    private let key: SymmetricKey
    private let verified = VerifiedTokens()

    /// The shortest secret accepted, in bytes.
    public static let minimumSecretLength = 32
    /// How far in the future `iat` and `nbf` may lie: clocks of servers sharing a secret differ a little.
    static let clockLeeway: TimeInterval = 5

    /// Creates a signer; a secret under 32 bytes is refused.
    public init(secret: [UInt8]) throws {
        guard secret.count >= Self.minimumSecretLength else {
            throw AuthConfigurationError(
                "the JWT secret must be at least \(Self.minimumSecretLength) bytes, got \(secret.count)")
        }
        key = SymmetricKey(data: secret)
    }

    private static let header = Base64URL.encode(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    /// A signed token for `claims`.
    public func sign(_ claims: TokenClaims) -> String {
        signPayload(claims)
    }

    /// A signed token carrying any claims (e.g. the OAuth state stash). Callers that verify such a
    /// token must check its own `typ`, so it can never pass for a session.
    func signPayload(_ claims: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payload = Base64URL.encode((try? encoder.encode(claims)) ?? Data())
        let input = "\(Self.header).\(payload)"
        let signature = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key)
        return "\(input).\(Base64URL.encode(Data(signature)))"
    }

    /// The verified claims of `token`; throws ``AuthError/invalidToken`` for anything else.
    /// A token whose signature checked out once is remembered, so a client's every later request
    /// skips the HMAC and the two JSON decodes; expiry and `typ` are checked on every call.
    public func verify(_ token: String, now: Date) throws -> TokenClaims {
        let claims: TokenClaims
        if let known = verified.claims(of: token) {
            claims = known
        } else {
            claims = try verifiedPayload(token, as: TokenClaims.self)
            verified.remember(claims, of: token)
        }
        let seconds = now.timeIntervalSince1970
        if let exp = claims.exp, Double(exp) <= seconds { throw AuthError.invalidToken }
        if Double(claims.iat) > seconds + Self.clockLeeway { throw AuthError.invalidToken }
        if let nbf = claims.nbf, Double(nbf) > seconds + Self.clockLeeway { throw AuthError.invalidToken }
        switch claims.typ {
        case "session": guard claims.exp != nil else { throw AuthError.invalidToken }
        case "pat": break
        default: throw AuthError.invalidToken
        }
        return claims
    }

    /// The payload of an HS256 token whose signature checks out, decoded as `type`; throws
    /// ``AuthError/invalidToken`` otherwise. Expiry and `typ` are the caller's to check.
    func verifiedPayload<Claims: Decodable>(_ token: String, as type: Claims.Type) throws -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]),
            let payloadData = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2])
        else { throw AuthError.invalidToken }
        guard let header = try? JSONDecoder().decode(Header.self, from: headerData), header.alg == "HS256",
            header.typ == nil || header.typ == "JWT"
        else { throw AuthError.invalidToken }
        let input = Data(parts[0].utf8) + Data(".".utf8) + Data(parts[1].utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: key) else {
            throw AuthError.invalidToken
        }
        guard let claims = try? JSONDecoder().decode(Claims.self, from: payloadData) else {
            throw AuthError.invalidToken
        }
        return claims
    }

    private struct Header: Decodable {
        let alg: String
        let typ: String?
    }
}

/// Tokens whose signature this process has verified, with their claims. Bounded: emptied when it
/// holds `capacity` tokens (they are simply verified again). Only ever filled after a signature check
/// with the one key of the signer that owns it, so a hit is as good as verifying again.
private final class VerifiedTokens: Sendable {
    private let tokens = Mutex<[String: TokenClaims]>([:])
    let capacity = 4096

    func claims(of token: String) -> TokenClaims? {
        tokens.withLock { $0[token] }
    }

    func remember(_ claims: TokenClaims, of token: String) {
        tokens.withLock { tokens in
            if tokens.count >= capacity { tokens.removeAll(keepingCapacity: true) }
            tokens[token] = claims
        }
    }
}

/// Base64url without padding (RFC 7515).
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes of canonical unpadded base64url text; nil for anything else, including text whose
    /// last character carries non-zero unused bits (`…Q` and `…R` would decode alike): one token,
    /// one spelling.
    static func decode(_ text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), encode(data) == text else { return nil }
        return data
    }
}

/// A configuration problem that must stop start-up (e.g. a short JWT secret).
public struct AuthConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
