internal import CLibPQ

/// Wraps libpq's `PGcancel` object, which sends a cancel request for a connection's running
/// statement over a separate connection to the server.
///
/// `@unchecked Sendable` because libpq documents `PQcancel` as safe to call from any thread,
/// including while another thread is blocked in a call on the same `PGconn`; the `PGcancel`
/// object is immutable after `PQgetCancel` and freed only in `deinit`, when no one holds it.
final class PostgresCanceller: @unchecked Sendable {
    private let raw: OpaquePointer

    init?(connection: OpaquePointer) {
        guard let raw = PQgetCancel(connection) else { return nil }
        self.raw = raw
    }

    deinit { PQfreeCancel(raw) }

    /// Asks the server to cancel whatever the connection is running. Returns when the request
    /// has been delivered (the server signals the backend before it answers).
    @discardableResult
    func cancel() -> Bool {
        var buffer = [CChar](repeating: 0, count: 256)
        return PQcancel(raw, &buffer, Int32(buffer.count)) == 1
    }
}
