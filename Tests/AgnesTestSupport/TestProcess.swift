import Foundation

/// Runs a helper program of the tests (Python with pyarrow or argon2-cffi, `gzip`) to its end.
public enum TestProcess {
    /// What the program printed, and how it ended.
    public struct Output {
        public let status: Int32
        public let standardOutput: Data
        public let standardError: String
    }

    /// Runs `executable` with `arguments`, writing `input` (if any) to its standard input. For programs
    /// that say little on standard error (it is read after standard output ends).
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input == nil ? FileHandle.nullDevice : standardInput
        try process.run()
        if let input {
            standardInput.fileHandleForWriting.write(input)
            try standardInput.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, standardOutput: data,
            standardError: String(decoding: message, as: UTF8.self))
    }
}
