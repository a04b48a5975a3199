import Foundation

/// The original implementation's password hasher, argon2-cffi's `PasswordHasher()` with its defaults
/// (argon2id, m=65536, t=3, p=4), run from the test venv that scripts/setup.sh fills: the hashes that
/// accounts migrated from the original carry.
public enum OriginalPasswordHasher {
    /// argon2-cffi's hash of each password, in order.
    public static func hash(_ passwords: [String]) throws -> [String] {
        let script = """
            import json, sys, argon2
            hasher = argon2.PasswordHasher()
            print(json.dumps([hasher.hash(p) for p in json.loads(sys.stdin.read())]))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PyArrow.python)
        process.arguments = ["-c", script]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: passwords))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let hashes = try JSONSerialization.jsonObject(with: data) as? [String]
        else {
            throw PyArrow.Failure(
                description: "argon2-cffi (\(PyArrow.python)) failed; run scripts/setup.sh if it is missing: "
                    + String(decoding: message, as: UTF8.self))
        }
        return hashes
    }
}
