extension SMTPMailSender {
    /// Logs in with `AUTH PLAIN` when offered (or when nothing is advertised), else `AUTH LOGIN`.
    ///
    /// Errors quote the server's reply and the user name, never the password.
    func authenticate(
        _ credentials: SMTPConfiguration.Credentials,
        capabilities: Set<String>,
        over connection: SMTPConnection
    ) async throws(MailError) {
        let reply: SMTPReply
        if capabilities.contains("AUTH LOGIN") && !capabilities.contains("AUTH PLAIN") {
            let challenge = try await connection.send("AUTH LOGIN")
            try expectChallenge(challenge, user: credentials.user)
            let userReply = try await connection.send(Base64.encode(credentials.user))
            try expectChallenge(userReply, user: credentials.user)
            reply = try await connection.send(Base64.encode(credentials.password))
        } else {
            let token = Base64.encode(Array("\0\(credentials.user)\0\(credentials.password)".utf8))
            reply = try await connection.send("AUTH PLAIN \(token)")
        }
        guard reply.code == 235 else {
            throw loginRefused(reply, user: credentials.user)
        }
    }

    private func expectChallenge(_ reply: SMTPReply, user: String) throws(MailError) {
        guard reply.code == 334 else {
            throw loginRefused(reply, user: user)
        }
    }

    private func loginRefused(_ reply: SMTPReply, user: String) -> MailError {
        MailError(
            .authenticationFailed,
            "The SMTP server refused the login for \(user.debugDescription): \(reply)",
            status: reply.code
        )
    }
}
