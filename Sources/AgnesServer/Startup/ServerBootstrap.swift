import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesJobs
import AgnesStore
import DuckDB
import Foundation
import HummingbirdBcrypt
import Logging

/// Start-up work before the server listens: demo data, the local source, the first rebuild and the
/// seed admin.
public enum ServerBootstrap {
    /// What start-up did, for the operator.
    public struct Report: Sendable {
        /// True when demo data was generated in this start.
        public var generatedDemo = false
        /// The start-up sync run.
        public var syncRun: SyncRun?
        /// The first rebuild.
        public var rebuild: RebuildResult?
        /// A generated admin password, to be shown once.
        public var generatedAdmin: (email: String, password: String)?
    }

    /// Runs the start-up steps.
    public static func run(services: AgnesServices, demo: Bool, demoSize: DemoData.Size = .full) async throws -> Report
    {
        var report = Report()
        let layout = services.layout
        let logger = services.logger
        if demo, isEmptyForDemo(layout) {
            logger.notice("generating demo data", metadata: ["directory": "\(layout.localSourceDirectory.path)"])
            try await offloaded("agnes.demo") {
                try DemoData.generate(into: layout.localSourceDirectory, size: demoSize)
            }
            report.generatedDemo = true
        }
        try await services.pipeline.recoverInterruptedRuns()
        try await services.scheduler.recoverInterruptedJobs()
        report.syncRun = try await services.pipeline.run(tables: nil, trigger: "startup", requestedBy: nil)
        report.rebuild = try await services.orchestrator.rebuild()
        report.generatedAdmin = try await seedAdmin(services: services, demo: demo)
        return report
    }

    static func isEmptyForDemo(_ layout: DataLayout) -> Bool {
        let manager = FileManager.default
        let local = (try? manager.contentsOfDirectory(atPath: layout.localSourceDirectory.path)) ?? []
        return local.filter { !$0.hasPrefix(".") }.isEmpty && layout.extractFiles().isEmpty
    }

    /// Registers tables of the local source that the registry does not know yet.
    static func registerLocalTables(_ tables: [String], store: SystemStore) async throws {
        let registry = DuckDBTableRegistryRepository(store: store)
        for table in tables where try await registry.find(id: table) == nil {
            _ = try await registry.register(
                TableRegistration(
                    id: table, name: table, sourceType: "local", queryMode: .local,
                    description: "Local file \(table)", registeredBy: "system:local-source"))
        }
    }

    /// Creates the seed admin from `SEED_ADMIN_EMAIL`/`SEED_ADMIN_PASSWORD`; in demo mode with no users
    /// and no seed email, creates `admin@localhost` with a generated password (returned, shown once).
    static func seedAdmin(services: AgnesServices, demo: Bool) async throws -> (email: String, password: String)? {
        let users = DuckDBUserRepository(store: services.store)
        let groups = DuckDBGroupRepository(store: services.store)
        var email = services.settings.seedAdminEmail
        var password = services.settings.seedAdminPassword
        var generated: (String, String)?
        if email == nil, demo, try await users.count() == 0 {
            email = "admin@localhost"
            password = PasswordGenerator.make()
            generated = (email!, password!)
        }
        guard let email else { return nil }
        let user: User
        if let existing = try await users.find(email: email) {
            user = existing
        } else {
            user = try await users.create(User(id: UUID().uuidString.lowercased(), email: email, name: "Admin"))
        }
        if let password, user.passwordHash == nil {
            let hash = try await offloaded("agnes.bcrypt") { Bcrypt.hash(password, cost: 12) }
            try await users.setPasswordHash(id: user.id, hash: hash)
        }
        if let admin = try await groups.find(name: SystemGroup.admin) {
            try await groups.addMember(userID: user.id, groupID: admin.id, source: .systemSeed, addedBy: "system:seed")
        }
        return generated
    }
}

/// Random passwords for generated accounts.
enum PasswordGenerator {
    static func make(length: Int = 20) -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
