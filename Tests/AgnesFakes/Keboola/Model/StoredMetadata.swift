import Foundation

/// A metadata entry as the project holds it: with Keboola's numeric id (a string in JSON) and the time
/// it was written.
struct StoredMetadata {
    let id: Int
    let entry: FakeKeboolaMetadata
    let timestamp: Date

    var json: [String: Any] {
        [
            "id": String(id), "key": entry.key, "value": entry.value, "provider": entry.provider,
            "timestamp": KeboolaDate.storage(timestamp),
        ]
    }
}
