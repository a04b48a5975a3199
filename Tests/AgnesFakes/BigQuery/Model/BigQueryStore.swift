import Synchronization
import _CryptoExtras

/// The fake's state behind one lock, shared by ``FakeBigQuery`` and the request handlers, and the
/// service-account key its key files carry.
final class BigQueryStore: Sendable {
    let state: Mutex<BigQueryState>
    /// The RSA key of every key file the fake hands out; the token endpoint checks assertions with its
    /// public half.
    let signingKey: _RSA.Signing.PrivateKey
    /// The key files' `private_key_id`.
    let keyID: String

    init(_ state: consuming sending BigQueryState, signingKey: _RSA.Signing.PrivateKey) {
        self.state = Mutex(state)
        self.signingKey = signingKey
        self.keyID = BigQueryState.random(40, alphabet: "0123456789abcdef")
    }
}
