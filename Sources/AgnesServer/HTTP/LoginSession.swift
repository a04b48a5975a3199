import AgnesCore
import Foundation
import HTTPTypes
import Hummingbird

/// The browser sign-in cookie and redirects (REFERENCE §1.1): `access_token`, HttpOnly,
/// SameSite=Lax, Max-Age 86400, Path=/, `Secure` when `DOMAIN` is set.
enum LoginSession {
    /// Where a browser lands after signing in when no safe `next` was given.
    static let defaultLanding = "/dashboard"

    /// The `Set-Cookie` value carrying a session token.
    static func cookie(_ token: String, settings: AgnesSettings) -> String {
        var parts = ["access_token=\(token)", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=86400"]
        if let domain = settings.environment["DOMAIN"], !domain.trimmingCharacters(in: .whitespaces).isEmpty {
            parts.append("Secure")
        }
        return parts.joined(separator: "; ")
    }

    /// The `Set-Cookie` value that removes the session cookie.
    static let clearingCookie = "access_token=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"

    /// A 302 to `location`, optionally signing the browser in.
    static func redirect(to location: String, token: String? = nil, settings: AgnesSettings) -> Response {
        var headers: HTTPFields = [.location: location]
        if let token { headers[.setCookie] = cookie(token, settings: settings) }
        return Response(status: .found, headers: headers)
    }

    /// `next` when it is a local path (starts with one `/`, no backslash or control characters),
    /// else the default landing page — never an open redirect.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.contains("\\"),
            !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return defaultLanding }
        return raw
    }
}
