public import Logging
import Synchronization

/// A log handler that keeps messages in memory, to check what was logged.
public struct CapturingLogHandler: LogHandler {
    public final class Store: Sendable {
        public init() {}
        let entries = Mutex<[(Logger.Level, String)]>([])
        public var messages: [String] { entries.withLock { $0.map(\.1) } }
    }

    let store: Store
    public var logLevel: Logger.Level = .trace
    public var metadata: Logger.Metadata = [:]

    public init(store: Store) { self.store = store }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        store.entries.withLock { $0.append((event.level, event.message.description)) }
    }
}
