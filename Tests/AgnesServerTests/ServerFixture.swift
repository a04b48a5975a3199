import AgnesAuth
import AgnesCore
import AgnesData
import AgnesServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

/// A server over a temporary DATA_DIR.
final class ServerFixture: Sendable {
    let root: URL
    let services: AgnesServices

    init(
        settings: (String) -> AgnesSettings = { AgnesSettings(dataDir: $0) },
        hasher: PasswordHasher = PasswordHasher(cost: 4),
        mailer: Mailer? = nil,
        prepare: (URL) throws -> Void = { _ in }
    ) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try prepare(root)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        services = try await AgnesServices.open(
            settings: settings(root.path), logger: logger, passwordHasher: hasher, mailer: mailer)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var application: some ApplicationProtocol {
        AgnesServer.application(services: services, host: "127.0.0.1", port: 0)
    }

    /// The `detail` of an error body, nil when there is none.
    static func detail(_ buffer: ByteBuffer) -> String? {
        (try? json(buffer))?["detail"] as? String
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
        return object as? [String: Any] ?? [:]
    }
}
