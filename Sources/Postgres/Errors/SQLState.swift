/// A five-character SQLSTATE code as sent by PostgreSQL, with names for the ones callers test.
///
/// See the PostgreSQL manual, appendix A, "PostgreSQL Error Codes".
public struct SQLState: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The two-character class, e.g. `23` for integrity constraint violations.
    public var errorClass: Substring { rawValue.prefix(2) }

    public var description: String {
        if let name = SQLState.names[rawValue] { return "\(rawValue) \(name)" }
        return rawValue
    }

    /// The condition name from the manual, when this module knows it.
    public var name: String? { SQLState.names[rawValue] }

    public static let uniqueViolation = SQLState("23505")
    public static let foreignKeyViolation = SQLState("23503")
    public static let notNullViolation = SQLState("23502")
    public static let checkViolation = SQLState("23514")
    public static let exclusionViolation = SQLState("23P01")
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")
    public static let queryCanceled = SQLState("57014")
    public static let adminShutdown = SQLState("57P01")
    public static let syntaxError = SQLState("42601")
    public static let undefinedTable = SQLState("42P01")
    public static let undefinedColumn = SQLState("42703")
    public static let undefinedFunction = SQLState("42883")
    public static let insufficientPrivilege = SQLState("42501")
    public static let invalidTextRepresentation = SQLState("22P02")
    public static let numericValueOutOfRange = SQLState("22003")
    public static let divisionByZero = SQLState("22012")
    public static let lockNotAvailable = SQLState("55P03")
    public static let raiseException = SQLState("P0001")
    public static let inFailedTransaction = SQLState("25P02")

    /// Serialization failures and deadlocks: the transaction may succeed if run again.
    public var isTransient: Bool {
        self == .serializationFailure || self == .deadlockDetected || errorClass == "08"
    }

    /// Classes whose server messages name objects and settings but never quote values:
    /// their message may appear in a safe description.
    var messageIsSafe: Bool {
        ["08", "0A", "25", "28", "3D", "3F", "40", "42", "53", "54", "55", "57", "58"].contains(errorClass)
    }

    private static let names: [String: String] = [
        "23505": "unique_violation", "23503": "foreign_key_violation", "23502": "not_null_violation",
        "23514": "check_violation", "23P01": "exclusion_violation", "40001": "serialization_failure",
        "40P01": "deadlock_detected", "57014": "query_canceled", "57P01": "admin_shutdown",
        "42601": "syntax_error", "42P01": "undefined_table", "42703": "undefined_column",
        "42883": "undefined_function", "42501": "insufficient_privilege", "22P02": "invalid_text_representation",
        "22003": "numeric_value_out_of_range", "22012": "division_by_zero", "55P03": "lock_not_available",
        "P0001": "raise_exception", "25P02": "in_failed_sql_transaction", "22001": "string_data_right_truncation",
        "22007": "invalid_datetime_format", "22008": "datetime_field_overflow", "22023": "invalid_parameter_value",
        "22004": "null_value_not_allowed", "22021": "character_not_in_repertoire", "42P06": "duplicate_schema",
        "42P07": "duplicate_table", "42710": "duplicate_object", "42704": "undefined_object",
        "0A000": "feature_not_supported", "53300": "too_many_connections", "28P01": "invalid_password",
        "3D000": "invalid_catalog_name", "3F000": "invalid_schema_name", "08006": "connection_failure",
        "22P04": "bad_copy_file_format", "25001": "active_sql_transaction", "42804": "datatype_mismatch",
    ]
}
