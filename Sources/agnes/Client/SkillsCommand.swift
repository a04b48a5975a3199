import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes skills`.
struct SkillsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skills",
        abstract: "Guides bundled with the CLI, for you and for Claude Code.",
        discussion: """
            Examples:
              agnes skills list
              agnes skills show troubleshoot
            """,
        subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the bundled guides with a line about each.",
            discussion: """
                Examples:
                  agnes skills list
                  agnes skills list --json   # [{name, summary}]
                """)
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            if json {
                return try Output.json(
                    BundledSkill.all.map {
                        JSONValue.object(["name": .string($0.name), "summary": .string($0.summary)])
                    })
            }
            let width = BundledSkill.all.map(\.name.count).max() ?? 0
            Output.lines(
                BundledSkill.all.map { $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
                    + ["", "agnes skills show <name> prints a guide."])
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Print a bundled guide (Markdown).",
            discussion: """
                Examples:
                  agnes skills show setup
                  agnes skills show agnes-data-querying > querying.md
                """)
        @Argument(help: "The guide's name (agnes skills list shows them).") var name: String

        func run() async throws {
            guard let skill = BundledSkill.named(name) else {
                throw CommandFailure(
                    cause: "no bundled guide named \(name)",
                    hint: "the guides are: \(BundledSkill.all.map(\.name).joined(separator: ", "))", exitCode: 2)
            }
            Output.lines([skill.body])
        }
    }
}
