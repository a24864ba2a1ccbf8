public import Casework
import Foundation
public import HTTPTypes
public import Hummingbird

/// An HTTP error as an RFC 9457 problem document (`application/problem+json`): a status, a
/// short title, a sentence of detail, and for bad input every field that is wrong. Nothing in
/// it comes from the request's values (they may be personal data) or from internals.
public struct Problem: HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// A URN naming the kind of problem, e.g. `urn:civicq:problem:invalid-fields`.
    public var type: String
    public var title: String
    public var detail: String
    public var errors: [FieldError]
    /// Extra headers, e.g. `Retry-After` on 429.
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, type: String? = nil, title: String? = nil, detail: String, errors: [FieldError] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.type = type ?? "about:blank"
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    /// 422 naming every bad field.
    public static func invalid(_ errors: [FieldError], detail: String? = nil) -> Problem {
        let count = errors.count
        return Problem(
            .unprocessableContent, type: "urn:civicq:problem:invalid-fields", title: "Invalid fields",
            detail: detail ?? (count == 1 ? errors[0].message : "\(count) fields are invalid: see errors"), errors: errors)
    }

    public static let mediaType = "application/problem+json"

    private struct Document: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let instance: String
        let errors: [FieldError]?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let document = Document(
            type: type, title: title, status: status.code, detail: detail, instance: request.uri.path, errors: errors.isEmpty ? nil : errors)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var fields = headers
        fields[.contentType] = Self.mediaType
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(document))))
    }
}
