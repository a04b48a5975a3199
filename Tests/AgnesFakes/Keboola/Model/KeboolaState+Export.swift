import Crypto
import Foundation

extension KeboolaState {
    /// Stores an export snapshot as a sliced file (manifest + slices in the object store) and a waiting
    /// job that will report it.
    mutating func addExport(
        of table: StoredTable, parameters: ExportParameters, slices: [(body: StoredObject.Body, isGzipped: Bool)],
        failure: String?
    ) -> ExportJob {
        nextFileID += 1
        nextJobID += 1
        let fileID = nextFileID
        let isGzipped = slices.contains { $0.isGzipped }
        let fileName = table.name + ".csv" + (isGzipped ? ".gz" : "")
        let bucketName = table.bucketID.split(separator: ".").dropFirst().joined(separator: ".")
        let keyPrefix = "exp-15/578/table-exports/\(table.stage)/\(bucketName)/\(table.name)/\(fileID).\(fileName)"
        let bucket = provider == .azure ? "exp-15-files-\(fileID)" : provider.filesBucket
        var sliceKeys: [String] = []
        for (index, slice) in slices.enumerated() {
            let key = keyPrefix + String(format: "%04d_part_00", index) + (slice.isGzipped ? ".gz" : "")
            sliceKeys.append(key)
            objects[ObjectAddress(bucket: bucket, key: key)] = StoredObject(
                body: slice.body, provider: provider, fileID: fileID)
        }
        let manifest = ["entries": sliceKeys.map { ["url": entryURL(bucket: bucket, key: $0)] }]
        let manifestData = try! JSONSerialization.data(withJSONObject: manifest, options: [.withoutEscapingSlashes])
        objects[ObjectAddress(bucket: bucket, key: keyPrefix + "manifest")] = StoredObject(
            body: .bytes(manifestData), provider: provider, fileID: fileID)
        let sliceSizes = slices.reduce(0) { total, slice in
            switch slice.body {
            case .bytes(let data): total + data.count
            case .file(_, let size): total + size
            }
        }
        files[fileID] = ExportFile(
            id: fileID, name: fileName, provider: provider, created: now, bucket: bucket, keyPrefix: keyPrefix,
            sliceKeys: sliceKeys, sizeBytes: sliceSizes, sas: provider == .azure ? containerSAS(bucket) : nil)
        let job = ExportJob(
            id: nextJobID, tableID: table.id, fileID: fileID, parameters: parameters, created: now,
            pollsUntilDone: pollsUntilDone, failure: failure)
        jobs[job.id] = job
        return job
    }

    /// A manifest entry: `s3://bucket/key`, `gs://bucket/key`, `azure://<account>.blob.core.windows.net/<container>/<blob>`.
    func entryURL(bucket: String, key: String) -> String {
        switch provider {
        case .aws: "s3://\(bucket)/\(key)"
        case .gcp: "gs://\(bucket)/\(key)"
        case .azure: "azure://\(FakeKeboola.azureAccount).blob.core.windows.net/\(bucket)/\(key)"
        }
    }

    /// A container SAS (`sv`, `sr=c`, `sp=rl`, `se`, `sig`) valid twelve hours on the fake clock.
    func containerSAS(_ container: String) -> String {
        let expiry = now.addingTimeInterval(12 * 3600).formatted(.iso8601)
        let encodedExpiry = SigV4Signing.uriEncode(expiry, keepsSlash: false)
        let sig = SigV4Signing.uriEncode(sasSignature(container: container, expiry: expiry), keepsSlash: false)
        return "sv=2021-08-06&sr=c&sp=rl&se=\(encodedExpiry)&sig=\(sig)"
    }

    /// The SAS `sig` of `container` until `expiry`: base64 HMAC-SHA256 under the fake's key.
    func sasSignature(container: String, expiry: String) -> String {
        let key = SymmetricKey(data: Data(signingKey.secretAccessKey.utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: Data("\(container)\n\(expiry)".utf8), using: key))
            .base64EncodedString()
    }

    /// The `X-Goog-Signature` of a presigned GCS GET: hex HMAC-SHA256 under the fake's key.
    func googleSignature(path: String, date: String, expires: String) -> String {
        let key = SymmetricKey(data: Data(signingKey.secretAccessKey.utf8))
        return SigV4Signing.hex(
            HMAC<SHA256>.authenticationCode(for: Data("GET\n\(path)\n\(date)\n\(expires)".utf8), using: key))
    }
}
