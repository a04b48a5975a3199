import Foundation

/// Where the JWT secret comes from: `JWT_SECRET_KEY`, else a secret generated once and kept at
/// `DATA_DIR/state/.jwt_secret` with mode 0600.
public enum JWTSecret {
    /// The secret bytes; creates the file on first use. Throws when the configured secret is too short.
    public static func load(configured: String?, stateDirectory: URL) throws -> [UInt8] {
        if let configured, !configured.isEmpty {
            let bytes = Array(configured.utf8)
            guard bytes.count >= JWTSigner.minimumSecretLength else {
                throw AuthConfigurationError(
                    "JWT_SECRET_KEY must be at least 32 bytes (it has \(bytes.count)); generate one with: openssl rand -hex 32"
                )
            }
            return bytes
        }
        let file = stateDirectory.appendingPathComponent(".jwt_secret")
        if let existing = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines),
            existing.utf8.count >= JWTSigner.minimumSecretLength
        {
            return Array(existing.utf8)
        }
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let temporary = stateDirectory.appendingPathComponent(".jwt_secret.tmp-\(UUID().uuidString)")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AuthConfigurationError("cannot create \(file.path): \(String(cString: strerror(errno)))")
        }
        _ = secret.withCString { write(descriptor, $0, strlen($0)) }
        fsync(descriptor)
        close(descriptor)
        // First writer wins if two processes race: link fails when the file exists.
        if link(temporary.path, file.path) != 0 {
            unlink(temporary.path)
            return try load(configured: nil, stateDirectory: stateDirectory)
        }
        unlink(temporary.path)
        return Array(secret.utf8)
    }
}
