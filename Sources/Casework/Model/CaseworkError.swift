public import Postgres

/// A casework failure people can act on: a code (which the CLI maps to an exit code) and a
/// plain sentence that never contains personal data.
public struct CaseworkError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// Bad input: an option, a field, a file.
        case badInput
        /// The login is not a civicq user.
        case notAUser
        /// The role or department may not do this.
        case notPermitted
        /// No such case (or extension, department, ...).
        case notFound
        /// The case is not in a state that allows this.
        case wrongState
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The casework error a database function raised (SQLSTATE class CQ), or nil. Those
    /// messages are composed by our own functions and carry ids and codes only.
    public init?(_ error: PostgresError) {
        guard let state = error.sqlState, state.errorClass == "CQ" else { return nil }
        let code: Code
        switch state.rawValue {
        case "CQ401": code = .notAUser
        case "CQ403": code = .notPermitted
        case "CQ404": code = .notFound
        case "CQ409": code = .wrongState
        default: code = .badInput
        }
        self.init(code, error.message ?? error.reason)
    }

    /// Runs `body`, turning the database's casework errors into ``CaseworkError``.
    public static func translating<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError {
            if let casework = CaseworkError(error) { throw casework }
            // Constraint names say which field was refused, never its value.
            switch error.sqlState {
            case .some(.checkViolation), .some(.notNullViolation), .some(.foreignKeyViolation):
                let field = error.columnName ?? error.constraintName ?? "a field"
                throw CaseworkError(.badInput, "the database refused \(field): it is missing or not valid")
            default: throw error
            }
        }
    }
}
