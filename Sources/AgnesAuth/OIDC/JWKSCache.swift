import Foundation
import _CryptoExtras

/// The provider's signing keys, fetched on first use and kept by key id. An id token signed with a
/// key id not in the cache (the provider rotated its keys) triggers one refetch; so does a cache older
/// than `maxAge`, so a withdrawn key does not stay trusted forever. Concurrent refetches share one
/// request.
///
/// ```swift
/// let cache = JWKSCache { try await fetchJWKS() }
/// guard let key = try await cache.key(id: header.kid) else { throw … }
/// ```
public actor JWKSCache {
    /// Loads the current key set from the provider.
    public typealias Fetch = @Sendable () async throws -> JSONWebKeySet

    private let fetch: Fetch
    private let maxAge: TimeInterval
    private let now: @Sendable () -> Date
    private var current: JSONWebKeySet?
    private var fetchedAt: Date?
    private var inFlight: Task<JSONWebKeySet, any Error>?

    /// Creates an empty cache.
    public init(maxAge: TimeInterval = 3600, now: @escaping @Sendable () -> Date = Date.init, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.maxAge = maxAge
        self.now = now
    }

    /// The key with this id, refetching the set once when it is unknown or stale; nil when the
    /// provider does not have it either. Throws when the set cannot be fetched (a stale cached key is
    /// still used when a refresh fails).
    public func key(id: String) async throws -> _RSA.Signing.PublicKey? {
        if let current, let fetchedAt, let key = current.keys[id] {
            if now().timeIntervalSince(fetchedAt) < maxAge { return key }
            // Stale: refresh, but a provider outage should not stop sign-ins with a key it served.
            guard let fresh = try? await refresh() else { return key }
            return fresh.keys[id]
        }
        return try await refresh().keys[id]
    }

    private func refresh() async throws -> JSONWebKeySet {
        if let inFlight { return try await inFlight.value }
        let task = Task { [fetch] in try await fetch() }
        inFlight = task
        defer { inFlight = nil }
        let keys = try await task.value
        current = keys
        fetchedAt = now()
        return keys
    }
}
