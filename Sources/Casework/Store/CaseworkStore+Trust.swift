public import Postgres

/// What `civicq doctor` warns of about who is connected and what PUBLIC may do.
public struct TrustWarning: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Connected as a superuser.
        case superuser
        /// Connected as a login that may act as the schema's owner.
        case owner
        /// PUBLIC may create temporary tables in the database.
        case publicTemporary
    }

    public let kind: Kind
    /// What is wrong, in a sentence.
    public let message: String
    /// The command or SQL that fixes it.
    public let remedy: String
}

extension CaseworkStore {
    /// The trust warnings for the connection's login and database: the service and the
    /// people should hold grants only, and PUBLIC need not create temporary tables.
    public func trustWarnings(on connection: PostgresConnection) throws -> [TrustWarning] {
        guard let row = try connection.query(
            """
            SELECT current_user::text, current_database()::text, r.rolsuper,
                   coalesce((SELECT pg_has_role(current_user, n.nspowner, 'MEMBER') FROM pg_namespace n WHERE n.nspname = \(schema)), false),
                   has_database_privilege('public', current_database(), 'TEMPORARY')
            FROM pg_roles r WHERE r.rolname = current_user
            """).first else { return [] }
        let (user, database, superuser, owner, publicTemporary) = try row.decode((String, String, Bool, Bool, Bool).self)
        var warnings: [TrustWarning] = []
        let serviceLogin = "civicq users service LOGIN --password, then connect serve and workers as LOGIN"
        if superuser {
            warnings.append(.init(
                kind: .superuser, message: "connected as \(user), a superuser: serve and workers should hold grants only",
                remedy: serviceLogin))
        } else if owner {
            warnings.append(.init(
                kind: .owner, message: "connected as \(user), which may act as the schema's owner: it can alter or disable the event log's guards",
                remedy: serviceLogin))
        }
        if publicTemporary {
            warnings.append(.init(
                kind: .publicTemporary, message: "every login may create temporary tables in \(database)",
                remedy: "REVOKE TEMPORARY ON DATABASE \(PostgresQuery.quoteIdentifier(database)) FROM PUBLIC; "
                    + "GRANT TEMPORARY ON DATABASE \(PostgresQuery.quoteIdentifier(database)) TO \(PostgresQuery.quoteIdentifier(serviceRole));"))
        }
        return warnings
    }
}
