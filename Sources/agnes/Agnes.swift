import ArgumentParser
import Foundation

/// The `agnes` binary: the server (`agnes serve`) and the analyst's and admin's CLI.
@main
struct Agnes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agnes",
        abstract: "Agnes, the AI data analyst platform: server and command-line client.",
        version: AgnesVersion.current,
        subcommands: [ServeCommand.self, RebuildCommand.self, DoctorCommand.self]
    )

    /// Runs the command, rendering library errors as a cause, a hint and an exit code.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            failure.render()
            Foundation.exit(failure.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}

/// The version this binary reports.
enum AgnesVersion {
    static let current = "0.1.0"
}
