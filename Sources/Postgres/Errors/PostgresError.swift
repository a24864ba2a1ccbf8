/// An error from the `Postgres` module.
///
/// The error follows the postgres-nio pattern: an extensible ``Code``, the fields the
/// server sent (SQLSTATE, message, detail, hint, constraint, ...), and a ``description``
/// that is safe to show and to log. Server messages can quote the values of a query's
/// parameters or of a row ("invalid input syntax for type integer: ..."), and the rows of
/// this project hold personal data, so ``description`` carries the SQLSTATE and its name,
/// the constraint, table and column names, and a server message only for the classes of
/// SQLSTATE that never quote data. Everything else is in ``debugDescription``, for a
/// developer's eyes.
///
/// `PostgresError` is a value type and may be used from any thread.
public struct PostgresError: Error, Sendable, Equatable {
    /// What kind of failure this is. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidConfiguration
            case connectionFailed
            case connectionLost
            case server
            case protocolViolation
            case decodingFailed
            case poolClosed
            case transactionState
            case copyFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A conninfo string, URI or option is malformed. Nothing was sent.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The connection could not be established (refused, authentication, timeout).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke while in use (backend terminated, network lost).
        public static let connectionLost = Code(.connectionLost)
        /// The server answered with an error; see ``PostgresError/sqlState``.
        public static let server = Code(.server)
        /// libpq reported something the wrapper did not expect.
        public static let protocolViolation = Code(.protocolViolation)
        /// A value could not be decoded into the requested Swift type.
        public static let decodingFailed = Code(.decodingFailed)
        /// The pool was closed; no connection can be had from it.
        public static let poolClosed = Code(.poolClosed)
        /// A transaction was begun inside another, or left open.
        public static let transactionState = Code(.transactionState)
        /// A `COPY FROM STDIN` failed on the client side.
        public static let copyFailed = Code(.copyFailed)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence composed by this module that is safe to show and log.
    public var reason: String
    /// The server's SQLSTATE, when the server sent one.
    public var sqlState: SQLState?
    /// The server's primary message. May quote data: not part of ``description``.
    public var message: String?
    /// The server's detail. May quote row data: not part of ``description``.
    public var detail: String?
    /// The server's hint.
    public var hint: String?
    /// The server's context (for `COPY`, it quotes the failing line).
    public var context: String?
    /// The schema, table, column and constraint the error concerns, when the server named them.
    public var schemaName: String?
    public var tableName: String?
    public var columnName: String?
    public var constraintName: String?
    /// In a pipeline or `COPY`, the zero-based index of the statement or row that failed.
    public var batchIndex: Int?

    public init(code: Code, reason: String, sqlState: SQLState? = nil) {
        self.code = code
        self.reason = reason
        self.sqlState = sqlState
    }
}

extension PostgresError: CustomStringConvertible, CustomDebugStringConvertible {
    /// A safe summary: no parameter, no row data, no password.
    public var description: String {
        var text = "PostgreSQL \(code): \(reason)"
        if let sqlState { text += " [SQLSTATE \(sqlState.rawValue)]" }
        if let constraintName { text += " constraint \"\(constraintName)\"" }
        if let tableName { text += " table \"\(tableName)\"" }
        if let columnName { text += " column \"\(columnName)\"" }
        if let batchIndex { text += " at batch index \(batchIndex)" }
        return text
    }

    /// Everything, including the server's message, detail and context. Not for end users or logs
    /// that may be read by people who must not see citizens' data.
    public var debugDescription: String {
        var parts = [description]
        if let message { parts.append("message: \(message)") }
        if let detail { parts.append("detail: \(detail)") }
        if let hint { parts.append("hint: \(hint)") }
        if let context { parts.append("context: \(context)") }
        return parts.joined(separator: "\n  ")
    }
}

extension PostgresError {
    static func invalidConfiguration(_ reason: String) -> PostgresError {
        PostgresError(code: .invalidConfiguration, reason: reason)
    }

    static func decoding(_ reason: String) -> PostgresError {
        PostgresError(code: .decodingFailed, reason: reason)
    }

    /// True when retrying the whole unit of work may succeed: serialization failures,
    /// deadlocks, and a connection lost before or during the work.
    public var isTransient: Bool {
        switch code {
        case .connectionLost, .connectionFailed: return true
        case .server: return sqlState?.isTransient ?? false
        default: return false
        }
    }
}
