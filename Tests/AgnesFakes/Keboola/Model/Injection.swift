/// A failure waiting for the next `remaining` requests whose path contains `pathContains`.
struct Injection {
    let failure: FakeKeboolaFailure
    let pathContains: String
    var remaining: Int
}
