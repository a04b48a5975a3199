import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// User administration (REFERENCE §1.10), admin-only: list, show, create (optionally inviting),
/// rename, activate and deactivate, delete, and reset or set a password, each mutation audited.
///
/// Safeguards (§7): nobody deactivates or deletes themselves; the last active admin cannot be
/// deactivated or deleted (checked inside the writing transaction); accounts the SSO provider manages
/// cannot be deleted or have their password reset or set.
///
/// Decided where the original is silent or lax: a new user's email is trimmed and lowercased and must
/// look like an address (422 `a valid email is required`, as `/auth/bootstrap` answers); duplicates are
/// found ignoring case; a blank name on create falls back to the email's local part, while renaming to
/// a blank name is 400 `Name cannot be blank`.
struct UserRoutes {
    let services: AgnesServices

    struct CreateRequest: Decodable {
        let email: String
        let name: String
        let sendInvite: Bool?

        enum CodingKeys: String, CodingKey {
            case email, name
            case sendInvite = "send_invite"
        }
    }

    struct UpdateRequest: Decodable {
        let name: String?
        let active: Bool?
    }

    struct PasswordRequest: Decodable {
        let password: String
    }

    struct ResetLink: Encodable {
        let resetURL: String
        let emailSent: Bool

        enum CodingKeys: String, CodingKey {
            case resetURL = "reset_url"
            case emailSent = "email_sent"
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/api/users") { request, context in
            _ = try await services.admin(request, context)
            let users = try await DuckDBUserRepository(store: services.store).list()
            let index = try await MembershipIndex.load(services)
            return JSONBody.response(object: users.map { UserView($0, index: index) })
        }
        router.get("/api/users/:id") { request, context in
            _ = try await services.admin(request, context)
            return try await view(of: try await target(context))
        }
        router.post("/api/users") { request, context in
            let actor = try await services.admin(request, context)
            let body = try await request.decodeJSON(CreateRequest.self, context: context)
            return try await create(body, actor: actor, request: request)
        }
        router.patch("/api/users/:id") { request, context in
            let actor = try await services.admin(request, context)
            let body = try await request.decodeJSON(UpdateRequest.self, context: context)
            return try await update(try await target(context), name: body.name, active: body.active, actor: actor)
        }
        router.post("/api/users/:id/deactivate") { request, context in
            let actor = try await services.admin(request, context)
            return try await update(try await target(context), name: nil, active: false, actor: actor)
        }
        router.post("/api/users/:id/activate") { request, context in
            let actor = try await services.admin(request, context)
            return try await update(try await target(context), name: nil, active: true, actor: actor)
        }
        router.delete("/api/users/:id") { request, context in
            let actor = try await services.admin(request, context)
            return try await delete(try await target(context), actor: actor)
        }
        router.post("/api/users/:id/reset-password") { request, context in
            let actor = try await services.admin(request, context)
            let user = try await target(context)
            try await refuseIfSSOManaged(user)
            let link = try await services.accountLinks.issue(.reset, for: user, request: request)
            await audit(
                "user.reset_password", actor: actor, user: user,
                params: ["email": user.email, "email_sent": String(link.emailSent)])
            return JSONBody.response(object: ResetLink(resetURL: link.url, emailSent: link.emailSent))
        }
        router.post("/api/users/:id/set-password") { request, context in
            let actor = try await services.admin(request, context)
            let body = try await request.decodeJSON(PasswordRequest.self, context: context)
            guard body.password.count >= PasswordHasher.minimumLength else {
                throw APIError(.badRequest, "Password must be at least \(PasswordHasher.minimumLength) characters")
            }
            let user = try await target(context)
            try await refuseIfSSOManaged(user)
            let hash = try await services.auth.hasher.hash(body.password)
            try await DuckDBUserRepository(store: services.store).setPasswordHash(id: user.id, hash: hash)
            await audit("user.set_password", actor: actor, user: user, params: ["email": user.email])
            return Response(status: .noContent)
        }
    }

    private func create(_ body: CreateRequest, actor: AuthenticatedUser, request: Request) async throws -> Response {
        guard let email = EmailAddress(normalizing: body.email) else {
            throw APIError(.unprocessableContent, "a valid email is required")
        }
        let users = DuckDBUserRepository(store: services.store)
        let duplicate = APIError(.conflict, "User with this email already exists")
        if try await users.find(email: email.rawValue) != nil { throw duplicate }
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let user: User
        do {
            user = try await users.create(
                User(
                    id: UUID().uuidString.lowercased(), email: email.rawValue,
                    name: name.isEmpty ? String(email.rawValue.prefix { $0 != "@" }) : name))
        } catch let error as StoreError where error.code == .conflict {
            throw duplicate  // a concurrent create of the same address won the race
        }
        await audit("user.create", actor: actor, user: user, params: ["email": user.email])
        var view = UserView(user, index: try await MembershipIndex.load(services, userID: user.id))
        if body.sendInvite == true {
            let link = try await services.accountLinks.issue(.setup, for: user, request: request)
            await audit(
                "user.invite", actor: actor, user: user,
                params: ["email": user.email, "email_sent": String(link.emailSent)])
            view.inviteURL = link.url
            view.inviteEmailSent = link.emailSent
        }
        return JSONBody.response(status: .created, object: view)
    }

    private func update(_ user: User, name: String?, active: Bool?, actor: AuthenticatedUser) async throws -> Response {
        let name = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if name?.isEmpty == true { throw APIError(.badRequest, "Name cannot be blank") }
        let users = DuckDBUserRepository(store: services.store)
        var params: [String: String] = [:]
        // Activation first: it is the change that can be refused, and a refusal must change nothing.
        if let active {
            if active {
                try await users.setActive(id: user.id, isActive: true, by: nil)
            } else {
                if user.id == actor.user.id { throw APIError(.conflict, "Cannot deactivate yourself") }
                do {
                    try await users.deactivate(id: user.id, by: actor.user.id)
                } catch let error as StoreError where error.code == .lastActiveAdmin {
                    throw APIError(.conflict, "Cannot deactivate the last active admin")
                }
            }
            params["active"] = String(active)
        }
        if let name {
            _ = try await users.update(id: user.id, name: name, email: nil)
            params["name"] = name
        }
        if !params.isEmpty { await audit("user.update", actor: actor, user: user, params: params) }
        return try await view(of: user)
    }

    private func delete(_ user: User, actor: AuthenticatedUser) async throws -> Response {
        if user.id == actor.user.id { throw APIError(.conflict, "Cannot delete yourself") }
        try await refuseIfSSOManaged(user)
        let isDeleted: Bool
        do {
            isDeleted = try await DuckDBUserRepository(store: services.store).deleteKeepingAnActiveAdmin(id: user.id)
        } catch let error as StoreError where error.code == .lastActiveAdmin {
            throw APIError(.conflict, "Cannot delete the last active admin")
        }
        guard isDeleted else { throw APIError.userNotFound }
        await audit("user.delete", actor: actor, user: user, params: ["email": user.email])
        return Response(status: .noContent)
    }

    /// The user named by the `:id` path parameter (404 `User not found`).
    private func target(_ context: AgnesRequestContext) async throws -> User {
        let id = try context.parameters.require("id")
        guard let user = try await DuckDBUserRepository(store: services.store).find(id: id) else {
            throw APIError.userNotFound
        }
        return user
    }

    /// The user as it is now, as a `UserResponse`.
    private func view(of user: User) async throws -> Response {
        guard let current = try await DuckDBUserRepository(store: services.store).find(id: user.id) else {
            throw APIError.userNotFound
        }
        return JSONBody.response(
            object: UserView(current, index: try await MembershipIndex.load(services, userID: user.id)))
    }

    private func refuseIfSSOManaged(_ user: User) async throws {
        if try await MembershipIndex.load(services, userID: user.id).isSSOManaged(user.id) {
            throw APIError.ssoManagedUser
        }
    }

    private func audit(_ action: String, actor: AuthenticatedUser, user: User, params: [String: String]) async {
        await services.auth.authenticator.record(
            action, userID: actor.user.id, resource: "user:\(user.id)", params: params)
    }
}
