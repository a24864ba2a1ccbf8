import Casework
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reads request bodies with a limit per endpoint and checks their media type.
enum BodyReader {
    /// The body as bytes, at most `limit` of them, within `timeout`.
    /// - Throws: ``Problem`` 413 when larger, 408 (the connection closed) when slower.
    static func bytes(_ request: Request, limit: Int, timeout: Duration) async throws -> Data {
        let body = request.body
        do {
            let buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await body.collect(upTo: limit) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let buffer = first else {
                    throw Problem(.requestTimeout, detail: "the body did not arrive within \(timeout.components.seconds) s", headers: [.connection: "close"])
                }
                return buffer
            }
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, detail: "the body is larger than \(limit / 1024) KiB, the most this endpoint accepts")
        }
    }

    /// The body as one JSON document.
    /// - Throws: ``Problem`` 415 unless the media type is JSON, 413 when too large, 400 when
    ///   not JSON in UTF-8.
    static func json(_ request: Request, limit: Int, timeout: Duration) async throws -> JSONValue {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) else {
            throw Problem(.unsupportedMediaType, detail: "send the body as application/json")
        }
        return try JSONValue.parse(try await bytes(request, limit: limit, timeout: timeout))
    }
}
