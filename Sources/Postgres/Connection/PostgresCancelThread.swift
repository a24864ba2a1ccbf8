import Foundation

/// The one OS thread of the process that sends cancel requests to the server.
///
/// `PQcancel` opens a connection of its own to the server and waits for it to answer: a
/// blocking network call. Task cancellation handlers run on the cancelling task's thread,
/// which is usually a thread of Swift's cooperative pool; they hand the request to this thread
/// and return at once. Requests are sent one after another, in the order they came; one to an
/// unreachable server holds up the ones behind it, never a pool thread.
///
/// `@unchecked Sendable`: its mutable state (the request queue) is read and written only while
/// holding `condition`'s lock; the thread is the only consumer.
final class PostgresCancelThread: @unchecked Sendable {
    /// The process's canceller, started on first use.
    static let shared = PostgresCancelThread(name: "postgres-cancel")

    private let condition = NSCondition()
    private var requests: [@Sendable () -> Void] = []

    private init(name: String) {
        let thread = Thread { [self] in
            ThreadName.setCurrent(name)
            self.runLoop()
        }
        thread.start()
    }

    /// Queues `request` (a `PQcancel`) and returns without waiting for it.
    func send(_ request: @escaping @Sendable () -> Void) {
        condition.lock()
        requests.append(request)
        condition.signal()
        condition.unlock()
    }

    private func runLoop() -> Never {
        var batch: [@Sendable () -> Void] = []
        while true {
            condition.lock()
            while requests.isEmpty { condition.wait() }
            swap(&batch, &requests)
            condition.unlock()
            for request in batch { request() }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
