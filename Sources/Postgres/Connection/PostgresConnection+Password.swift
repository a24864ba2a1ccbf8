internal import CLibPQ

extension PostgresConnection {
    /// `password` as the server stores it for `role`: a verifier in the server's
    /// `password_encryption` method (SCRAM-SHA-256 unless it was changed), computed here by
    /// libpq (`PQencryptPasswordConn`) with a fresh salt. Blocks: it asks the server for the
    /// method.
    public func encryptedPassword(_ password: String, for role: String) throws -> String {
        guard let encrypted = PQencryptPasswordConn(raw, password, role, nil) else {
            // libpq's message names the algorithm or the failure, never the password.
            throw PostgresError(code: .protocolViolation, reason: "libpq could not encrypt the password: \(Self.errorMessage(of: raw))")
        }
        defer { PQfreemem(encrypted) }
        return String(cString: encrypted)
    }

    /// Sets `role`'s password. Only the verifier is sent, so the clear password never reaches
    /// the server, its statement log or `pg_stat_statements`. Changing another role's password
    /// needs CREATEROLE; anyone may change their own.
    public func setPassword(_ password: String, for role: String) throws {
        guard !password.isEmpty else {
            throw PostgresError(code: .invalidConfiguration, reason: "an empty password cannot be set")
        }
        let verifier = try encryptedPassword(password, for: role)
        _ = try execute(PostgresQuery(
            unsafeSQL: "ALTER ROLE \(PostgresQuery.quoteIdentifier(role)) PASSWORD \(PostgresQuery.quoteLiteral(verifier))"))
    }
}
