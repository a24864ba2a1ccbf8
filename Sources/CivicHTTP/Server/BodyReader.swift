import Casework
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reads request bodies with a limit per endpoint and checks their media type.
enum BodyReader {
    /// The body as bytes, at most `limit` of them.
    /// - Throws: ``Problem`` 413 when larger.
    static func bytes(_ request: Request, limit: Int) async throws -> Data {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, detail: "the body is larger than \(limit / 1024) KiB, the most this endpoint accepts")
        }
    }

    /// The body as one JSON document.
    /// - Throws: ``Problem`` 415 unless the media type is JSON, 413 when too large, 400 when
    ///   not JSON in UTF-8.
    static func json(_ request: Request, limit: Int) async throws -> JSONValue {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) else {
            throw Problem(.unsupportedMediaType, detail: "send the body as application/json")
        }
        return try JSONValue.parse(try await bytes(request, limit: limit))
    }
}
