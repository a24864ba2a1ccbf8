import Synchronization

/// A table from names to objects that is read without taking a lock: the per-kind counters
/// and timers of ``JobMetrics`` and the per-queue clocks of the wake-up debouncer, which every
/// enqueue and every settled batch look up.
///
/// Why not a dictionary behind a `Mutex`: eight connections enqueueing at once on two cores
/// contended for those two locks, and the lookups (a lock each, hashing the names) were 16 %
/// of the client's user time in a profile of the queue's single enqueue. Here a lookup walks a
/// list of entries, each added once and never removed or changed, comparing names (the short
/// names of kinds and queues in one comparison of their bytes); the list only grows, by one
/// entry per name ever looked up, as the dictionaries did.
///
/// An entry is added at the end of the list by a compare-and-exchange that succeeds only where
/// the list ends: when two threads add the same name at once, one object wins and both use it
/// (the other's `make` result is dropped). The links are `Atomic<Unmanaged<Entry>?>` rather
/// than `AtomicLazyReference`, whose `load()` is not inlinable (a generic call that looks up
/// metadata, and a retain, on every step); the table owns one reference to each entry and
/// releases them when it goes. Not generic itself for the same reason: the generic
/// ``with(_:make:_:)`` downcasts to the one type a table's objects are made as.
///
/// `Sendable`: every entry is immutable once published, published by an atomic exchange with
/// release ordering and read with acquire ordering, and freed only with the table.
final class ObjectTable: Sendable {
    private final class Entry: Sendable {
        let name: String
        let object: any AnyObject & Sendable
        let next = Atomic<Unmanaged<Entry>?>(nil)

        init(name: String, object: any AnyObject & Sendable) {
            self.name = name
            self.object = object
        }
    }

    private let first = Atomic<Unmanaged<Entry>?>(nil)

    init() {}

    deinit {
        var link = first.load(ordering: .acquiring)
        while let entry = link {
            link = entry._withUnsafeGuaranteedRef { $0.next.load(ordering: .acquiring) }
            entry.release()
        }
    }

    /// Calls `body` with the object kept for `name`, made by `make` (and kept) if there is
    /// none. Every object of one table must be of one type, `T`.
    func with<T: AnyObject & Sendable, R>(_ name: String, make: () -> T, _ body: (T) throws -> R) rethrows -> R {
        var previous: Unmanaged<Entry>?
        var link = first.load(ordering: .acquiring)
        while true {
            while let entry = link {
                if entry._withUnsafeGuaranteedRef({ $0.name == name }) {
                    return try entry._withUnsafeGuaranteedRef { try body(unsafeDowncast($0.object, to: T.self)) }
                }
                previous = link
                link = entry._withUnsafeGuaranteedRef { $0.next.load(ordering: .acquiring) }
            }
            // The end of the list: add `name` there, unless another thread added an entry first
            // (then look on from that one).
            let added = Unmanaged.passRetained(Entry(name: name, object: make()))
            let (exchanged, found) = if let previous {
                previous._withUnsafeGuaranteedRef { $0.next.compareExchange(expected: nil, desired: added, ordering: .acquiringAndReleasing) }
            } else {
                first.compareExchange(expected: nil, desired: added, ordering: .acquiringAndReleasing)
            }
            if exchanged {
                link = added
            } else {
                added.release()
                link = found
            }
        }
    }

    /// The names kept so far, in the order they were added.
    var names: [String] {
        var names: [String] = []
        var link = first.load(ordering: .acquiring)
        while let entry = link {
            entry._withUnsafeGuaranteedRef { names.append($0.name) }
            link = entry._withUnsafeGuaranteedRef { $0.next.load(ordering: .acquiring) }
        }
        return names
    }
}
