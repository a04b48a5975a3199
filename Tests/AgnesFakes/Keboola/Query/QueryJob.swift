/// A Query Service job of the fake: one statement, run when it was submitted; its status is
/// `processing` until the ``FakeKeboola/pollsUntilDone``-th poll, then `completed` or `failed`.
struct QueryJob {
    let id: String
    let statementID: String
    let query: String
    let createdAt: String
    /// The result, nil when the statement failed.
    let result: SnowflakeEmulator.Result?
    /// The statement's error, as Snowflake words it.
    let error: String?
    var polls = 0
    /// Why it was canceled (`POST …/cancel`), nil while it was not.
    var cancellationReason: String?
}
