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
        let result = try TestProcess.run(
            PyArrow.python, ["-c", script], input: try JSONSerialization.data(withJSONObject: passwords))
        guard result.status == 0,
            let hashes = try JSONSerialization.jsonObject(with: result.standardOutput) as? [String]
        else {
            throw PyArrow.Failure(
                description: "argon2-cffi (\(PyArrow.python)) failed; run scripts/setup.sh if it is missing: "
                    + result.standardError)
        }
        return hashes
    }
}
