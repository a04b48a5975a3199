import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes memory …`: corporate memory from the analyst's side.
struct MemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Search, contribute and vote on corporate knowledge.",
        discussion: """
            agnes pull stores the approved and mandatory knowledge you may see in the local database's \
            knowledge table (and as Claude Code rules in .claude/rules/); search reads that table, offline. \
            add and vote talk to the server.

            Examples:
              agnes memory search revenue VAT
              agnes memory add --title "Revenue is net of VAT" --content "…" --category business_logic --domain finance
              agnes memory vote 6f1c… up
            """,
        subcommands: [MemorySearchCommand.self, MemoryAddCommand.self, MemoryVoteCommand.self])
}

/// `agnes memory search TEXT [--limit N] [--json]`.
struct MemorySearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find knowledge items in the local knowledge table (offline), best match first.",
        discussion: """
            Ranks the items of the last agnes pull with BM25: a word in the title or tags counts three \
            times one in the content, rare words more than common ones. Case and accents do not matter, \
            and English plurals match their singular. Exits 1 when there is no pulled knowledge table (run agnes pull).

            Examples:
              agnes memory search churn
              agnes memory search revenue recognition --limit 3
              agnes memory search VAT --json   # [{id, title, content, tags, status, …, score}]
            """)

    @Argument(help: "The words to look for.") var words: [String]
    @Option(help: "Show at most this many items.") var limit = 10
    @Flag(help: "Print JSON.") var json = false

    var text: String { words.joined(separator: " ") }

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        guard !KnowledgeSearch.tokens(text).isEmpty else {
            throw ValidationError("the search text has no words to look for")
        }
    }

    func run() async throws {
        let context = try ClientContext()
        let items = try await LocalDatabase(workspace: context.workspace).knowledge()
        let hits = KnowledgeSearch().rank(items, query: text, limit: limit)
        let objects = try JSONDecoder().decode([JSONValue].self, from: JSONEncoder().encode(hits))
        try Output.objects(
            objects, keys: ["score", "id", "title", "status", "domain", "content"], json: json,
            environment: context.environment)
    }
}

/// `agnes memory add --title T --content C --category X [--domain D] [--tag t]…`.
struct MemoryAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Contribute a knowledge item; it is pending until an admin reviews it.",
        discussion: """
            Domains: finance, engineering, product, data, operations, infrastructure (the server refuses \
            others). The item reaches analysts' pulls once an admin approves or mandates it.

            Examples:
              agnes memory add --title "Churn window" --content "A customer churns after 90 days without an order." \\
                  --category business_logic --domain data --tag churn
              agnes memory add --title … --content … --category workflow --json   # {id, status}
            """)

    @Option(help: "A short title.") var title: String
    @Option(help: "The knowledge itself.") var content: String
    @Option(help: "The category (business_logic, workflow, data_quality, …).") var category: String
    @Option(help: "The domain (finance, engineering, product, data, operations, infrastructure).") var domain: String?
    @Option(name: .customLong("tag"), help: "A tag (repeat for more).") var tags: [String] = []
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        for (name, value) in [("--title", title), ("--content", content), ("--category", category)]
        where value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("\(name) is empty")
        }
    }

    func run() async throws {
        let context = try ClientContext()
        let contribution = MemoryContribution(
            title: title, content: content, category: category, domain: domain, tags: tags)
        let receipt: MemoryReceipt
        do {
            receipt = try await context.withAPI { api in try await api.contributeMemory(contribution) }
        } catch var error as ClientError {
            switch error.code {
            case .badRequest: error.hint = error.hint ?? "correct the value the server named; agnes memory add --help"
            case .notFound: error.hint = "this server has no memory API (an older Agnes server?)"
            default: break
            }
            throw error
        }
        if json { return try Output.json(receipt) }
        Output.lines([
            "Added \(receipt.id) (\(receipt.status)): it waits for an admin's review before analysts' pulls bring it."
        ])
    }
}

/// `agnes memory vote <id> up|down|retract`.
struct MemoryVoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vote",
        abstract: "Vote on a knowledge item (up, down), or retract your vote.",
        discussion: """
            One vote per person and item; voting again replaces it. Prints the item's tallies.

            Examples:
              agnes memory vote 6f1c… up
              agnes memory vote 6f1c… retract --json   # {upvotes, downvotes}
            """)

    enum Direction: String, ExpressibleByArgument, CaseIterable {
        case up, down, retract

        var vote: MemoryVote {
            switch self {
            case .up: .up
            case .down: .down
            case .retract: .retract
            }
        }
    }

    @Argument(help: "The item's id (agnes memory search shows it).") var id: String
    @Argument(help: "up, down or retract.") var direction: Direction
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let context = try ClientContext()
        let tally: MemoryTally
        do {
            tally = try await context.withAPI { api in try await api.voteMemory(id: id, direction.vote) }
        } catch var error as ClientError where error.code == .notFound {
            error.hint =
                "no item \(id) that you may see (or the server has no memory API); agnes memory search shows the ids after agnes pull"
            throw error
        }
        if json { return try Output.json(tally) }
        let what = direction == .retract ? "Vote retracted on" : "Voted \(direction.rawValue) on"
        Output.lines(["\(what) \(id): \(tally.upvotes) up, \(tally.downvotes) down."])
    }
}
