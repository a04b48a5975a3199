import Synchronization

/// The fake's state behind one lock, shared by ``FakeKeboola`` and the request handlers (a client
/// downloads slices in parallel).
final class KeboolaStore: Sendable {
    let state: Mutex<KeboolaState>

    init(_ state: consuming sending KeboolaState) {
        self.state = Mutex(state)
    }
}
