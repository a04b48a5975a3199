/// Names of the groups the system seeds and relies on.
public enum SystemGroup {
    /// Membership in this group is administrative access.
    public static let admin = "Admin"
    /// A group for every user, granted nothing by default.
    public static let everyone = "Everyone"
}
