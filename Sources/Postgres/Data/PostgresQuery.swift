/// A statement and its parameters. Interpolated values become parameters, never SQL text:
///
/// ```swift
/// let query: PostgresQuery = "SELECT id FROM cases WHERE area = \(area) AND state = ANY(\(states))"
/// // sql: "SELECT id FROM cases WHERE area = $1 AND state = ANY($2)"
/// ```
///
/// Identifiers (schema, table names) that cannot be parameters go in with
/// `\(identifier: name)`, which quotes them. Raw SQL needs ``init(unsafeSQL:binds:)``.
/// Value type; any thread.
public struct PostgresQuery: Sendable, Equatable, ExpressibleByStringInterpolation {
    public var sql: String
    public var binds: PostgresBindings
    /// Whether the connection may keep this statement prepared by name (the default; see
    /// ``PostgresConfiguration/Options/statementCacheSize``). Off for one-off text that would
    /// only take a place in the cache: ``oneOff``.
    public var mayPrepare = true

    /// The same statement, sent unnamed: parsed and planned for this call only.
    public var oneOff: PostgresQuery {
        var query = self
        query.mayPrepare = false
        return query
    }

    /// A statement whose text is taken as it is. Use `$1`... for `binds`.
    public init(unsafeSQL sql: String, binds: PostgresBindings = PostgresBindings()) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var binds = PostgresBindings()

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// A parameter: `$n` in the text, the value in the binds.
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T) {
            binds.append(value)
            sql += "$\(binds.count)"
        }

        /// A parameter that may be NULL.
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T?) {
            binds.append(value)
            sql += "$\(binds.count)"
        }

        /// A parameter with an explicit cast, e.g. `\(ids, as: "bigint[]")`.
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T, as castType: StaticString) {
            appendInterpolation(value)
            sql += "::\(castType)"
        }

        /// SQL text taken as it is, for fragments the program itself built from quoted
        /// identifiers (a schema-qualified table name computed once). Never for input.
        public mutating func appendInterpolation(unsafe fragment: String) {
            sql += fragment
        }

        /// A quoted identifier (schema, table, column, channel).
        public mutating func appendInterpolation(identifier: String) {
            sql += PostgresQuery.quoteIdentifier(identifier)
        }
    }

    /// Quotes an identifier as PostgreSQL does: in double quotes, with inner quotes doubled.
    public static func quoteIdentifier(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Quotes a string literal for the rare statements that take no parameters
    /// (`SET`, `LISTEN`, DDL): single quotes doubled, backslashes kept (standard strings).
    public static func quoteLiteral(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
