import AgnesClient
import AgnesTestSupport
import Foundation
import Testing

/// The query sandbox tells an analyst nothing about where the server keeps its files: a real
/// `agnes serve --demo` run as an unprivileged user (as a deployment should; root searches any
/// directory, so for root DuckDB's settings would show paths again), probed with `agnes query --remote`.
@Suite(.serialized) struct MachinePathTests {
    /// The unprivileged user the server runs as when the tests run as root (`nobody`).
    static let unprivileged: UInt32 = 65534

    /// Copies the binary and DuckDB's library where the unprivileged user may read them (the build
    /// directory may not be), returning the binary and the library directory.
    static func readableCopy(in directory: URL) throws -> (binary: URL, libraries: URL) {
        let libraries = directory.appendingPathComponent("lib")
        try FileManager.default.createDirectory(at: libraries, withIntermediateDirectories: true)
        let binary = directory.appendingPathComponent("agnes")
        try FileManager.default.copyItem(at: CLI.binary, to: binary)
        let duckDB = SMTPTestServer.repositoryRoot.appending(path: ".duckdb/lib")
        for name in ["libduckdb.so", "libpython3.11.so"] {
            let source = duckDB.appendingPathComponent(name).resolvingSymlinksInPath()
            try FileManager.default.copyItem(at: source, to: libraries.appendingPathComponent(name))
        }
        for url in [directory, libraries, binary] + (try FileManager.default.contentsOfDirectory(
            at: libraries, includingPropertiesForKeys: nil))
        {
            chmod(url.path, 0o755)
        }
        return (binary, libraries)
    }

    @Test func sandboxProbesShowNoServerPath() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        chmod(root.url.path, 0o755)
        let data = root.path("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var launcher: [String] = []
        var binary = CLI.binary
        var environment = ["SEED_ADMIN_EMAIL": "admin@example.com", "SEED_ADMIN_PASSWORD": "password123"]
        if getuid() == 0 {
            let copy = try Self.readableCopy(in: root.path("bin"))
            binary = copy.binary
            environment["LD_LIBRARY_PATH"] = copy.libraries.path
            chown(data.path, Self.unprivileged, Self.unprivileged)
            launcher = [
                "/usr/bin/setpriv", "--reuid=\(Self.unprivileged)", "--regid=\(Self.unprivileged)", "--clear-groups",
                "--",
            ]
        }
        let server = try await ServerProcess(
            dataDirectory: data, arguments: ["--demo", "--demo-scale", "0.01"], environment: environment,
            launcher: launcher, binary: binary)
        defer { Task { await server.stop() } }
        let cli = try CLI(root: root.path("client"), server: server.base)
        let login = try await cli.run(
            ["auth", "login", "--email", "admin@example.com", "--password-stdin"], stdin: "password123\n")
        #expect(login.status == 0, "\(login.stderr)")

        let probes = [
            "SELECT current_setting('allowed_paths')::VARCHAR AS v",
            "SELECT current_setting('allowed_directories')::VARCHAR AS v",
            "SELECT name, value FROM duckdb_settings()",
            "SELECT sql FROM duckdb_views() WHERE NOT internal",
            "SELECT view_definition FROM information_schema.views",
            "EXPLAIN ANALYZE SELECT count(*) FROM orders",
            "SELECT * FROM duckdb_databases()",
            "SELECT * FROM duckdb_temporary_files()",
            // Relative paths are resolved against the server's working directory, if at all.
            "SELECT * FROM read_parquet('nope.parquet')",
            "SELECT * FROM 'analytics/x.csv'",
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM glob('/proc/self/*')",
        ]
        var answered = 0
        for sql in probes {
            let result = try await cli.run(["query", "--remote", "--format", "json", sql])
            let text = result.stdout + result.stderr
            if result.status == 0 { answered += 1 }
            #expect(!text.contains(data.path), "\(sql) shows the data directory: \(text.prefix(400))")
            #expect(!text.contains(root.url.path), "\(sql) shows a server path: \(text.prefix(400))")
            #expect(!text.contains("/root/"), "\(sql) shows a home directory: \(text.prefix(400))")
        }
        #expect(answered >= 7, "the settings and catalog probes answer (without paths)")
        // The settings name descriptors, and queries still read the tables through them.
        let paths = try await cli.run(["query", "--remote", "--format", "csv", probes[0]])
        #expect(paths.stdout.contains("/proc/"), "\(paths.stdout)")
        let count = try await cli.run(["query", "--remote", "--format", "csv", "SELECT count(*) FROM customers"])
        #expect(count.stdout.contains("100"), "\(count.stdout) \(count.stderr)")
    }
}
