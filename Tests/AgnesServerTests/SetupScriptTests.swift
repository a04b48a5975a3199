import Foundation
import Testing

@Suite struct SetupScriptTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func runSetup(_ arguments: [String], environment: [String: String], in root: URL = repository) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("scripts/setup.sh").path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aMissingDuckDBLibraryIsReportedWithWhatToDo() throws {
        let result = try runSetup(["--check"], environment: ["AGNES_DUCKDB_LIB_DIR": "/nonexistent/agnes-duckdb"])
        #expect(result.status == 1)
        #expect(result.output.contains("DuckDB is not installed in /nonexistent/agnes-duckdb"))
        #expect(result.output.contains("hint: run scripts/setup.sh"))
    }

    @Test func theInstalledLibraryPassesTheCheck() throws {
        let result = try runSetup(["--check"], environment: [:])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("is installed"))
    }

    /// A copy of the repository's setup as far as setup.sh sees it: the script, and a `.duckdb` whose
    /// library and test venv are links to the installed ones. Setup runs there, so it never rewrites
    /// the `.duckdb/lib` that the other tests load libraries from while they run.
    static func installedCopy() throws -> URL {
        let files = FileManager.default
        let root = files.temporaryDirectory.appendingPathComponent("agnes-setup-\(UUID().uuidString)")
        let installed = repository.appendingPathComponent(".duckdb")
        try files.createDirectory(at: root.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        try files.createDirectory(at: root.appendingPathComponent(".duckdb/lib"), withIntermediateDirectories: true)
        try files.copyItem(
            at: repository.appendingPathComponent("scripts/setup.sh"),
            to: root.appendingPathComponent("scripts/setup.sh"))
        try files.copyItem(
            at: installed.appendingPathComponent("VERSION"), to: root.appendingPathComponent(".duckdb/VERSION"))
        try files.createSymbolicLink(
            at: root.appendingPathComponent(".duckdb/lib/libduckdb.so"),
            withDestinationURL: installed.appendingPathComponent("lib/libduckdb.so"))
        try files.createSymbolicLink(
            at: root.appendingPathComponent(".duckdb/test-venv"),
            withDestinationURL: installed.appendingPathComponent("test-venv"))
        return root
    }

    @Test func aSecondSetupRunIsANoOp() throws {
        let root = try Self.installedCopy()
        defer { try? FileManager.default.removeItem(at: root) }
        let python = root.appendingPathComponent(".duckdb/lib/libpython3.11.so").path
        let files = FileManager.default
        // Everything is in place: no download (the package index is unreachable), no apt, success.
        let environment = ["PIP_INDEX_URL": "http://127.0.0.1:9/unreachable"]
        let first = try runSetup([], environment: environment, in: root)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.isEmpty, "\(first.output)")
        let target = try files.destinationOfSymbolicLink(atPath: python)
        #expect(files.fileExists(atPath: target))
        // A stale libpython link is replaced (by a rename, never a moment without the link).
        try files.removeItem(atPath: python)
        try files.createSymbolicLink(atPath: python, withDestinationPath: "/nonexistent/libpython3.11.so.1.0")
        let second = try runSetup([], environment: environment, in: root)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.isEmpty, "\(second.output)")
        #expect(try files.destinationOfSymbolicLink(atPath: python) == target)
        let leftovers = try files.contentsOfDirectory(atPath: root.appendingPathComponent(".duckdb/lib").path)
        #expect(Set(leftovers) == ["libduckdb.so", "libpython3.11.so"])
    }
}
