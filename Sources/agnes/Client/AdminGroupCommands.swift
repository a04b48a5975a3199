import AgnesCLI
import AgnesClient
import ArgumentParser
import Foundation

/// `agnes admin group`.
struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Manage groups and their members.",
        discussion:
            "Examples:\n  agnes admin group create analysts\n  agnes admin group add-member analysts ana@example.com",
        subcommands: [List.self, Create.self, Delete.self, Members.self, AddMember.self, RemoveMember.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List groups.", discussion: "Example:\n  agnes admin group list")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try ClientContext()
            let groups = try await context.withAPI { api in try await api.groups() }
            try Output.objects(
                groups, keys: ["name", "origin", "member_count", "grant_count", "description"], json: json,
                environment: context.environment)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create a group.",
            discussion: "Example:\n  agnes admin group create analysts --description \"Sales analysts\"")
        @Argument(help: "The group name.") var name: String
        @Option(help: "What the group is for.") var description: String?

        func run() async throws {
            let context = try ClientContext()
            let group = try await context.withAPI { api in
                try await api.createGroup(name: name, description: description)
            }
            Output.lines(["Created group \(name) (id \(group["id"]?.string ?? "?"))."])
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Delete a group with its memberships and grants.",
            discussion: "Example:\n  agnes admin group delete analysts")
        @Argument(help: "The group name or id.") var group: String

        func run() async throws {
            let context = try ClientContext()
            try await context.withAPI { api in
                let found = try await api.findGroup(group)
                try await api.deleteGroup(id: found["id"]?.string ?? group)
            }
            Output.lines(["Deleted group \(group)."])
        }
    }

    struct Members: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "members", abstract: "List a group's members.",
            discussion: "Example:\n  agnes admin group members Admin")
        @Argument(help: "The group name or id.") var group: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try ClientContext()
            let members = try await context.withAPI { api in
                try await api.members(groupID: try await api.findGroup(group)["id"]?.string ?? group)
            }
            try Output.objects(
                members, keys: ["email", "name", "active", "source", "added_at"], json: json,
                environment: context.environment)
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-member", abstract: "Add a user to a group.",
            discussion: "Example:\n  agnes admin group add-member analysts ana@example.com")
        @Argument(help: "The group name or id.") var group: String
        @Argument(help: "The user's email.") var email: String

        func run() async throws {
            let context = try ClientContext()
            _ = try await context.withAPI { api in
                try await api.addMember(groupID: try await api.findGroup(group)["id"]?.string ?? group, email: email)
            }
            Output.lines(["Added \(email) to \(group)."])
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member", abstract: "Remove a user from a group.",
            discussion: "Example:\n  agnes admin group remove-member analysts ana@example.com")
        @Argument(help: "The group name or id.") var group: String
        @Argument(help: "The user's email or id.") var user: String

        func run() async throws {
            let context = try ClientContext()
            try await context.withAPI { api in
                let groupID = try await api.findGroup(group)["id"]?.string ?? group
                let userID = try await api.findUser(user)["id"]?.string ?? user
                try await api.removeMember(groupID: groupID, userID: userID)
            }
            Output.lines(["Removed \(user) from \(group)."])
        }
    }
}

/// `agnes admin grant`.
struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant", abstract: "Manage what groups may read (tables, plugins, memory domains).",
        discussion:
            "Examples:\n  agnes admin grant create analysts table orders\n  agnes admin grant list --group analysts",
        subcommands: [List.self, Create.self, Delete.self, ResourceTypes.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List grants.",
            discussion: "Examples:\n  agnes admin grant list\n  agnes admin grant list --type table --group analysts")
        @Option(help: "Only this resource type.") var type: String?
        @Option(help: "Only this group (name or id).") var group: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try ClientContext()
            let grants = try await context.withAPI { api in
                let groupID = try await group.asyncMap { try await api.findGroup($0)["id"]?.string ?? $0 }
                return try await api.grants(resourceType: type, groupID: groupID)
            }
            try Output.objects(
                grants, keys: ["id", "group_name", "resource_type", "resource_id", "assigned_by"], json: json,
                environment: context.environment)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Let a group read a resource.",
            discussion: "Example:\n  agnes admin grant create analysts table orders")
        @Argument(help: "The group name or id.") var group: String
        @Argument(help: "The resource type: table, marketplace_plugin or memory_domain.") var type: String
        @Argument(help: "The resource id, e.g. a table id.") var resource: String

        func run() async throws {
            let context = try ClientContext()
            let grant = try await context.withAPI { api in
                let groupID = try await api.findGroup(group)["id"]?.string ?? group
                return try await api.createGrant(groupID: groupID, resourceType: type, resourceID: resource)
            }
            Output.lines(["Granted \(type) \(resource) to \(group) (grant \(grant["id"]?.string ?? "?"))."])
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Delete a grant.",
            discussion: "Example:\n  agnes admin grant delete <grant id>")
        @Argument(help: "The grant id (agnes admin grant list).") var grant: String

        func run() async throws {
            let context = try ClientContext()
            try await context.withAPI { api in try await api.deleteGrant(id: grant) }
            Output.lines(["Deleted grant \(grant)."])
        }
    }

    struct ResourceTypes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resource-types", abstract: "List the resource types grants can name.",
            discussion: "Example:\n  agnes admin grant resource-types")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let context = try ClientContext()
            let types = try await context.withAPI { api in try await api.resourceTypes() }
            try Output.objects(
                types, keys: ["key", "id_format", "description"], json: json, environment: context.environment)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
