import Foundation
import Logging

/// Logging for CLI commands: to standard error, level from LOG_LEVEL (default warning), so that command
/// output on standard output stays clean.
enum CommandLogging {
    static func logger(label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
        logger.logLevel = level ?? .warning
        return logger
    }
}

enum FileHandleOutput {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Unbuffered lines on standard output (so a supervising process sees them at once).
enum StandardOutput {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
