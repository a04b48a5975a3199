import AgnesCLI
import AgnesClient
import AgnesCore
import AgnesStore
import ArgumentParser
import DuckDB

/// Turns a library error into the CLI's rendering: one line of cause, one line of hint, and an exit code.
struct CommandFailure: Error, CustomStringConvertible {
    let cause: String
    let hint: String?
    let exitCode: Int32

    init(cause: String, hint: String?, exitCode: Int32) {
        self.cause = cause
        self.hint = hint
        self.exitCode = exitCode
    }

    init(_ error: any Error) {
        switch error {
        case let error as CommandFailure:
            self = error
        case let error as ClientError:
            cause = error.message
            hint = error.hint
            exitCode = ExitStatus.code(for: error)
        case let error as ConfigError:
            cause = error.message
            hint = "fix the file or variable named above; config/instance.yaml.example lists every key"
            exitCode = 2
        case let error as StoreError:
            cause = error.message
            hint = error.code == .locked ? "only one agnes server may use a data directory" : nil
            exitCode = 3
        case let error as DuckDBError:
            cause = error.description
            hint = "is DuckDB installed? run scripts/setup.sh"
            exitCode = 4
        default:
            cause = "\(error)"
            hint = nil
            exitCode = 1
        }
    }

    var description: String { cause }

    /// True for the library errors this type renders (others are ArgumentParser's to render).
    static func renders(_ error: any Error) -> Bool {
        error is ClientError || error is ConfigError || error is StoreError || error is DuckDBError
    }
}

extension CommandFailure {
    /// Prints the failure to standard error in the CLI's one-line format.
    func render() {
        var text = "error: \(cause)\n"
        if let hint { text += "hint: \(hint)\n" }
        FileHandleOutput.standardError(text)
    }
}
