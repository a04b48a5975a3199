import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension StagedExtract {
    /// The most entries an output directory may hold.
    static let maximumEntries = 100_000

    /// Refuses a symbolic link anywhere in `output` (its target could be any file of the server), any
    /// other entry that is neither a regular file nor a directory, and a missing `extract.duckdb`.
    static func checkFiles(in output: URL) throws(CustomConnectorError) {
        var pending = [output.path]
        var count = 0
        while let directory = pending.popLast() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
                throw CustomConnectorError(.invalidOutput, "\(relative(directory, to: output)) cannot be listed")
            }
            for name in names {
                count += 1
                guard count <= maximumEntries else {
                    throw CustomConnectorError(
                        .invalidOutput, "the output directory holds more than \(maximumEntries) files")
                }
                let path = directory + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFLNK:
                    let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                    throw CustomConnectorError(
                        .outsideDirectory,
                        "\(relative(path, to: output)) is a symbolic link (to \(target)); a connector's output must be regular files inside its output directory"
                    )
                case S_IFDIR: pending.append(path)
                case S_IFREG: break
                default:
                    // A pipe with no writer would block whoever opens it to read.
                    throw CustomConnectorError(
                        .invalidOutput,
                        "\(relative(path, to: output)) is not a regular file (a pipe, socket or device); a connector's output must be regular files"
                    )
                }
            }
        }
        var info = stat()
        let extract = output.appendingPathComponent("extract.duckdb").path
        guard lstat(extract, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw CustomConnectorError(
                .invalidOutput,
                "the connector wrote no extract.duckdb into its output directory (AGNES_OUTPUT_DIR, also its working directory)"
            )
        }
    }

    /// `path` relative to `output`, for messages.
    static func relative(_ path: String, to output: URL) -> String {
        let prefix = output.path + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
