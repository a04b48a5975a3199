import Foundation

/// The sliced file an export produced (apiary "Group Files"; developers.keboola.com import-export): the
/// object at ``keyPrefix`` is not stored, the manifest is at `<keyPrefix>manifest`, slices at
/// `<keyPrefix>0000_part_00[.gz]`, `<keyPrefix>0001_part_00[.gz]`, ….
struct ExportFile {
    let id: Int
    let name: String
    let provider: FakeKeboola.Provider
    let created: Date
    /// S3/GCS bucket or Azure container.
    let bucket: String
    let keyPrefix: String
    let sliceKeys: [String]
    let sizeBytes: Int
    /// The container-scoped SAS of an Azure file (without `?`).
    let sas: String?

    var manifestKey: String { keyPrefix + "manifest" }
}
