import Synchronization

/// A list that concurrent tasks append to, for checking order and counts.
public final class Recorder<Element: Sendable>: Sendable {
    public init() {}
    private let storage = Mutex<[Element]>([])
    public func append(_ element: Element) { storage.withLock { $0.append(element) } }
    public var values: [Element] { storage.withLock { $0 } }
}
