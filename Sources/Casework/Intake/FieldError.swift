import Foundation

/// One thing wrong with one field of a submission: where (a JSON Pointer, RFC 6901, such as
/// `/citizen/phone`), a stable code, and a sentence for people. The sentence names the rule,
/// never the value: values may be personal data.
public struct FieldError: Sendable, Codable, Equatable, Hashable {
    public let field: String
    public let code: String
    public let message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    /// The field's name for sentences: `/citizen/phone` → `citizen.phone`, the root → `the body`.
    public static func label(_ pointer: String) -> String {
        pointer.isEmpty ? "the body" : pointer.dropFirst().replacingOccurrences(of: "/", with: ".")
    }
}

/// A submission refused for what is wrong with its fields (every field, not just the first).
public struct InvalidSubmission: Error, Sendable, Equatable, CustomStringConvertible {
    public let errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }

    public var description: String { errors.map(\.message).joined(separator: "; ") }
}
