import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Logging

extension CustomConnector {
    /// Characters of standard error quoted in a failure's message.
    static let quotedErrorCharacters = 1200

    /// `DATA_DIR/tmp/connectors/<name>`, where its runs work.
    var runsDirectory: URL { layout.root.appendingPathComponent("tmp/connectors/\(name.rawValue)") }

    /// One run: start, wait, check, publish. Blocking.
    func runBlocking(keeping: Set<String>, cancellation: CancellationFlag) throws(CustomConnectorError)
        -> CustomRunReport
    {
        let clock = ContinuousClock()
        let started = clock.now
        let configuration = try CustomConnectorConfiguration.load(name: name, directory: directory)
        // Whatever earlier runs left (a crash mid-run) goes; runs of one connector never overlap.
        try? FileManager.default.removeItem(at: runsDirectory)
        let run = runsDirectory.appendingPathComponent(UUID().uuidString.lowercased())
        defer { try? FileManager.default.removeItem(at: run) }
        let output = run.appendingPathComponent("output")
        let home = run.appendingPathComponent("home")
        let temporary = run.appendingPathComponent("tmp")
        do {
            for folder in [output, home, temporary] {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            }
        } catch {
            throw CustomConnectorError(.launch, "its working directory cannot be created: \(error)", cause: error)
        }
        let (variables, missing) = configuration.environment(
            server: environment, output: output, home: home, temporary: temporary)
        if !missing.isEmpty {
            logger.warning(
                "custom connector: variables its env names are not set on the server",
                metadata: ["source": "\(name)", "variables": "\(missing.joined(separator: ","))"])
        }
        let (executable, arguments) = try configuration.launchCommand(path: variables["PATH"] ?? "")
        // timeout_seconds bounds the whole run: the program, then the conversion of what it wrote.
        let timeout = Duration.milliseconds(Int64(configuration.timeoutSeconds * 1000))
        let deadline = clock.now + timeout
        let process = ConnectorProcess(
            executable: executable, arguments: arguments, environment: variables, workingDirectory: output,
            timeout: timeout, gracePeriod: gracePeriod)
        let result = try process.run(cancellation: cancellation)
        let errors = Self.quoted(result.standardErrorTail)
        switch result.ending {
        case .exited(0):
            break
        case .exited(let status):
            throw CustomConnectorError(.failedRun, "the connector exited with status \(status)\(errors)")
        case .signalled(let signal):
            throw CustomConnectorError(.failedRun, "the connector was killed by signal \(signal)\(errors)")
        case .timedOut:
            throw CustomConnectorError(
                .timedOut,
                "the connector did not finish within \(Self.seconds(configuration.timeoutSeconds)) s (timeout_seconds in \(name)/\(CustomConnectorConfiguration.fileName)) and was stopped\(errors)"
            )
        case .cancelled:
            throw CustomConnectorError(.cancelled, "the sync was cancelled while the connector ran; it was stopped")
        case .unknown:
            throw CustomConnectorError(
                .failedRun, "the connector ended, but its exit status could not be read\(errors)")
        }
        let staged = try StagedExtract.open(
            output: output, publishing: layout.versionsDirectory(name), spill: run.appendingPathComponent("spill"),
            policy: policy)
        let writer = ExtractWriter(sourceDirectory: layout.sourceDirectory(name))
        // Converting its tables runs its views' SQL: stopped at the run's deadline too.
        let watchdog = Watchdog(
            deadline: deadline, cancellation: cancellation, interrupt: staged.connection.interruptHandle)
        var report: CustomRunReport
        do {
            defer { watchdog.stop() }
            report = try staged.publish(
                into: writer, source: name, previous: PreviousExtract.read(writer.extractFile), keep: keeping)
        } catch  where watchdog.hasFired {
            throw CustomConnectorError(
                cancellation.isSet ? .cancelled : .timedOut,
                cancellation.isSet
                    ? "the sync was cancelled while the connector's output was converted"
                    : "the connector's output was still being converted when its \(Self.seconds(configuration.timeoutSeconds)) s (timeout_seconds) ran out; it was stopped",
                cause: error)
        }
        let elapsed = clock.now - started
        report.durationMS = elapsed.milliseconds
        report.standardErrorTail = result.standardErrorTail
        logger.info(
            "custom connector published",
            metadata: [
                "source": "\(name)", "synced": "\(report.synced.count)", "unchanged": "\(report.unchanged.count)",
                "removed": "\(report.removed.count)", "ms": "\(report.durationMS)",
            ])
        return report
    }

    /// `: <the end of standard error>` for a message, or a note that there was none.
    static func quoted(_ standardError: String) -> String {
        let text = standardError.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return " (it wrote nothing to standard error)" }
        guard text.count > quotedErrorCharacters else { return ": \(text)" }
        var tail = text.suffix(quotedErrorCharacters)
        if let newline = tail.firstIndex(of: "\n") { tail = tail[tail.index(after: newline)...] }
        return ": …\(tail)"
    }

    /// `600` or `0.5`.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
