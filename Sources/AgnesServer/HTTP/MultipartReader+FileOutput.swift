import DuckDB
import Foundation

extension MultipartReader {
    /// A temporary file (hidden, in `directory`) that a file part is written to in 1 MiB batches, each
    /// write off the cooperative pool.
    final class FileOutput: @unchecked Sendable {
        // @unchecked: one parser owns it and awaits each call before the next, so the buffer and the
        // handle are never used by two threads at once; the handle is only touched in those calls.
        let file: URL
        private let handle: FileHandle
        private var buffer: [UInt8] = []
        private var size = 0

        init(directory: URL) throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            file = directory.appendingPathComponent(".upload-\(UUID().uuidString).part")
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw MultipartReader.Failure.malformed("the upload cannot be stored")
            }
            handle = try FileHandle(forWritingTo: file)
        }

        func append(_ bytes: [UInt8]) async throws {
            buffer += bytes
            size += bytes.count
            if buffer.count >= 1 << 20 { try await flush() }
        }

        /// Writes what is buffered, syncs and closes the file; returns its size.
        func finish() async throws -> Int {
            try await flush()
            let handle = self.handle
            try await offloaded("agnes.upload") {
                try handle.synchronize()
                try handle.close()
            }
            return size
        }

        func close() async {
            try? handle.close()
        }

        private func flush() async throws {
            guard !buffer.isEmpty else { return }
            let (data, handle) = (Data(buffer), self.handle)
            buffer = []
            try await offloaded("agnes.upload") { try handle.write(contentsOf: data) }
        }
    }
}
