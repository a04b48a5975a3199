import Foundation
import Testing

@Suite struct SetupScriptTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func runSetup(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.repository.appendingPathComponent("scripts/setup.sh").path] + arguments
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

    @Test func aSecondSetupRunIsANoOp() throws {
        // Everything is in place (the tests are running): no download, no apt, success.
        let started = ContinuousClock.now
        let result = try runSetup([], environment: ["PIP_INDEX_URL": "http://127.0.0.1:9/unreachable"])
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("fetching"))
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
