/// One metadata entry of a table or a column, as Keboola stores it: a key, a string value, and the
/// component that wrote it (`provider`: `user`, `storage`, `keboola.ex-db-snowflake`, …).
///
/// One key may appear several times with different providers, as on a real stack (research §2.4).
///
/// ```swift
/// let entries = [
///     FakeKeboolaMetadata("KBC.datatype.basetype", "NUMERIC", provider: "storage"),
///     FakeKeboolaMetadata("KBC.datatype.length", "10,2", provider: "storage"),
/// ]
/// ```
public struct FakeKeboolaMetadata: Sendable, Hashable {
    /// The metadata key, e.g. `KBC.datatype.basetype` or `KBC.description`.
    public var key: String
    /// The value; Keboola stores every value as a string.
    public var value: String
    /// The component that wrote the entry.
    public var provider: String

    /// An entry written by `provider` (default `user`).
    public init(_ key: String, _ value: String, provider: String = "user") {
        self.key = key
        self.value = value
        self.provider = provider
    }
}
