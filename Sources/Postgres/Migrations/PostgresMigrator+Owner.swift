extension PostgresMigrator {
    /// Before the migrations, as the administrator: the owner and group roles exist, the
    /// administrator may assume the owner, the schema and its bookkeeping table exist, and
    /// everything in the schema belongs to the owner.
    func prepare(on connection: PostgresConnection) throws {
        let quoted = PostgresQuery.quoteIdentifier(schema)
        for role in groupRoles + (owner.map { [$0] } ?? []) {
            try Self.ensureRole(role, on: connection)
        }
        if let owner {
            let member = try connection.query("SELECT pg_has_role(current_user, \(owner), 'USAGE')").scalar(Bool.self) ?? false
            if !member {
                try connection.execute("GRANT \(identifier: owner) TO CURRENT_USER")
            }
            try connection.executeScript("CREATE SCHEMA IF NOT EXISTS \(quoted) AUTHORIZATION \(PostgresQuery.quoteIdentifier(owner))")
            try adopt(owner: owner, on: connection)
            try connection.execute("SET LOCAL ROLE \(identifier: owner)")
        } else {
            try connection.executeScript("CREATE SCHEMA IF NOT EXISTS \(quoted)")
        }
        try connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS \(quoted).schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """)
    }

    private static func ensureRole(_ role: String, on connection: PostgresConnection) throws {
        let exists = try connection.query("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(role))").scalar(Bool.self) ?? false
        if !exists {
            try connection.execute("CREATE ROLE \(identifier: role) NOLOGIN")
        }
    }

    /// Hands the schema and every object in it that another role owns to `owner`: tables,
    /// views, sequences that no table owns, functions and standalone types. An installation
    /// made before the owner role was owned by the login that migrated it.
    private func adopt(owner: String, on connection: PostgresConnection) throws {
        let objects = try connection.query(
            """
            SELECT 'SCHEMA', quote_ident(n.nspname) FROM pg_namespace n
            WHERE n.nspname = \(schema) AND n.nspowner <> to_regrole(\(PostgresQuery.quoteIdentifier(owner)))
            UNION ALL
            SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                   c.oid::regclass::text
            FROM pg_class c
            WHERE c.relnamespace = to_regnamespace(\(PostgresQuery.quoteIdentifier(schema)))
              AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND c.relowner <> to_regrole(\(PostgresQuery.quoteIdentifier(owner)))
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                       AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
            UNION ALL
            SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, p.oid::regprocedure::text
            FROM pg_proc p
            WHERE p.pronamespace = to_regnamespace(\(PostgresQuery.quoteIdentifier(schema)))
              AND p.proowner <> to_regrole(\(PostgresQuery.quoteIdentifier(owner)))
            UNION ALL
            SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype::text
            FROM pg_type t
            WHERE t.typnamespace = to_regnamespace(\(PostgresQuery.quoteIdentifier(schema)))
              AND t.typowner <> to_regrole(\(PostgresQuery.quoteIdentifier(owner)))
              AND t.typtype IN ('c', 'e', 'd', 'r') AND t.typelem = 0
              AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
            """
        ).map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1)) }
        for (kind, name) in objects {
            try connection.executeScript("ALTER \(kind) \(name) OWNER TO \(PostgresQuery.quoteIdentifier(owner))")
        }
    }
}
