import Foundation

/// An object of the emulated object store: an export's manifest or one of its slices.
struct StoredObject {
    enum Body {
        case bytes(Data)
        case file(URL, size: Int)
    }

    let body: Body
    let provider: FakeKeboola.Provider
    let fileID: Int

    var size: Int {
        switch body {
        case .bytes(let data): data.count
        case .file(_, let size): size
        }
    }
}

/// Where an object lives: S3 or GCS bucket (Azure container) and key (blob name).
struct ObjectAddress: Hashable {
    let bucket: String
    let key: String
}
