import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Logging
import Synchronization

/// The authentication pieces the routes use.
public struct AuthComponents: Sendable {
    /// Resolves callers.
    public let authenticator: Authenticator
    /// Issues session tokens and PATs.
    public let issuer: TokenIssuer
    /// Hashes and checks passwords.
    public let hasher: PasswordHasher
    /// Serialises `/auth/bootstrap` so that two racing calls cannot both create an admin.
    let bootstrapGate = BootstrapGate()

    /// Builds them from settings (the JWT secret from `JWT_SECRET_KEY` or `DATA_DIR/state/.jwt_secret`).
    public static func make(
        settings: AgnesSettings, store: SystemStore, hasher: PasswordHasher, logger: Logger,
        audit: @escaping @Sendable (String, String?, String?, [String: String]) async -> Void
    ) throws -> AuthComponents {
        let secret = try JWTSecret.load(
            configured: settings.jwtSecretKey,
            stateDirectory: URL(fileURLWithPath: settings.dataDir).appendingPathComponent("state"))
        let signer = try JWTSigner(secret: secret)
        if settings.isLocalDevMode {
            logger.critical(
                "LOCAL_DEV_MODE is on: every request is treated as \(settings.localDevUserEmail) without a token")
        }
        let authenticator = Authenticator(
            signer: signer, store: store, schedulerSecret: settings.schedulerAPIToken,
            localDevEmail: settings.isLocalDevMode ? settings.localDevUserEmail : nil, audit: audit)
        if let configured = settings.schedulerAPIToken?.trimmingCharacters(in: .whitespacesAndNewlines),
            !configured.isEmpty, !authenticator.acceptsSchedulerSecret
        {
            logger.warning(
                "SCHEDULER_API_TOKEN is IGNORED: it has \(configured.count) characters, at least \(Authenticator.minimumSchedulerSecretLength) are required; requests bearing it will get 401 (generate one with: openssl rand -hex 32)"
            )
        }
        return AuthComponents(
            authenticator: authenticator, issuer: TokenIssuer(signer: signer, store: store), hasher: hasher)
    }
}

/// A one-at-a-time gate for async work. (An actor is not enough: it is re-entrant at every `await`,
/// so two bootstraps could interleave between the check and the write.)
final class BootstrapGate: Sendable {
    private struct State {
        var isHeld = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Runs `body` once every earlier caller's `body` has finished.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state -> Bool in
                if state.isHeld {
                    state.waiters.append(continuation)
                    return false
                }
                state.isHeld = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.isHeld = false
                return nil
            }
            return state.waiters.removeFirst()  // the lock passes straight to the next waiter
        }
        next?.resume()
    }
}
