import Hummingbird

/// The errors of the admin routes whose text clients of the original match on (REFERENCE §1.10,
/// §1.11, §7).
extension APIError {
    static let userNotFound = APIError(.notFound, "User not found")
    static let groupNotFound = APIError(.notFound, "Group not found")
    static let grantNotFound = APIError(.notFound, "Grant not found")

    /// A Google-managed group (created by Google sync, or a system group mapped to a Workspace group)
    /// is read-only here; `detail` is an object.
    static let googleManagedGroup = APIError(
        .conflict, code: "google_managed_readonly",
        message:
            "This group is managed by Google Workspace and is read-only here. Add or remove members via admin.google.com, or sign in again to refresh."
    )

    /// Password reset, password set and deletion of an account the SSO provider manages. (REFERENCE
    /// §1.10 prints "in the the original system", a search-and-replace artefact of "upstream"; this
    /// is the original's actual text.)
    static let ssoManagedUser = APIError(
        .conflict,
        "User is managed by an external SSO provider; this operation must be performed in the upstream system")

    /// Removal of the last active member of `Admin` from the group.
    static let lastAdminRemoval = APIError(
        .conflict, "Cannot remove the last admin — at least one user must remain in the Admin group")

    /// Removal of a membership that another writer (Google sync, the seed) owns, or of none.
    static let noAdminManagedMembership = APIError(
        .notFound, "No admin-managed membership for this user in this group")
}
