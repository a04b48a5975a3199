extension PeoplePages: DescribedRoutes {
    var apiTag: String { "Web pages" }

    var operations: [APIOperation] {
        let signIn = APIResponse.signInRedirect
        let paged = APIParameter.query("page", "the page of the list, from 1")
        return [
            .get(
                "/admin/access", "Groups against grantable resources, a checkbox per grant", .admin,
                query: [
                    .query("type", "only resources of this type"), .query("q", "only resources matching this"), paged,
                ],
                responses: [.html("The page")] + APIResponse.adminPage),
            .get(
                "/admin/users", "Every user with their groups; create a user", .admin,
                query: [.query("q", "only users whose email or name contains this"), paged],
                responses: [.html("The page")] + APIResponse.adminPage),
            .get(
                "/admin/users/:id", "One user: account, password, groups, effective access", .admin,
                query: [paged],
                responses: [.html("The page"), .html("No such user", status: 404)] + APIResponse.adminPage),
            .get(
                "/admin/groups", "Every group with its origin and counts; create a group", .admin,
                responses: [.html("The page")] + APIResponse.adminPage),
            .get(
                "/admin/groups/:id", "One group: members, grants, rename, delete", .admin,
                query: [paged],
                responses: [.html("The page"), .html("No such group", status: 404)] + APIResponse.adminPage),
            .get(
                "/admin/tokens", "Every personal access token; revoke one", .admin,
                query: [.query("user", "only this user's (an id or an email)"), paged],
                responses: [.html("The page")] + APIResponse.adminPage),
            .get(
                "/tokens", "Your personal access tokens: create (shown once) and revoke", .user,
                query: [paged], responses: [.html("The page"), signIn]),
            .get(
                "/profile", "You: groups, what they may reach, tokens, sign out everywhere", .user,
                query: [paged], responses: [.html("The page"), signIn]),
        ]
    }
}
