import AgnesClient
import AgnesCore
import ArgumentParser
import Foundation

/// The `agnes` binary: the server (`agnes serve`) and the analyst's and admin's CLI.
@main
struct Agnes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agnes",
        abstract: "Agnes, the AI data analyst platform: server and command-line client.",
        discussion: """
            Analysts: agnes init once, then agnes pull / query / push (Claude Code's hooks run pull and \
            push for you). Configuration lives in ~/.config/agnes (AGNES_CONFIG_DIR); the server URL comes \
            from AGNES_SERVER or config.yaml, the token from token.json or AGNES_TOKEN; the workspace is \
            AGNES_LOCAL_DIR or the current directory.

            Exit codes: 0 ok, 1 failed (e.g. a table did not pull), 2 bad input, 3 rate limited, \
            5 server error, 6 already exists, 7 not signed in or server unreachable, 8 forbidden or \
            not found, 9 other.
            """,
        version: AgnesVersion.current,
        subcommands: [
            InitCommand.self, PullCommand.self, PushCommand.self, QueryCommand.self, CatalogCommand.self,
            SchemaCommand.self, DescribeCommand.self, ExploreCommand.self, SnapshotCommand.self, StatusCommand.self,
            DiagnoseCommand.self, DiskInfoCommand.self, SkillsCommand.self, AuthCommand.self, AdminCommand.self,
            SetupCommand.self, ServeCommand.self, RebuildCommand.self, DoctorCommand.self, SchedulerCommand.self,
            JiraCommand.self, MemoryCommand.self,
        ]
    )

    /// Runs the command, rendering library errors as a cause, a hint and an exit code.
    static func main() async {
        // Writing past a file-size limit must fail with EFBIG (reported as "disk full"), not kill us.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CommandFailure {
            error.render()
            Foundation.exit(error.exitCode)
        } catch let error where CommandFailure.renders(error) {
            let failure = CommandFailure(error)
            failure.render()
            Foundation.exit(failure.exitCode)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandleOutput.standardError(fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// The version this binary reports.
enum AgnesVersion {
    static let current = AgnesBuild.version
}
