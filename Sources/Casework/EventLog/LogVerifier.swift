import Foundation

/// Where an event stands in sealing order: the inserting transaction (0 for events from
/// before migration 017) and the id.
public struct LogPosition: Sendable, Comparable {
    public let xid: UInt64
    public let id: Int64

    public init(xid: UInt64, id: Int64) {
        self.xid = xid
        self.id = id
    }

    public static func < (a: LogPosition, b: LogPosition) -> Bool { (a.xid, a.id) < (b.xid, b.id) }
}

/// The first thing that does not hold, named by the event (where there is one) and its
/// position in the log.
public struct LogFailure: Sendable, Equatable, CustomStringConvertible {
    /// The event named: the one changed, missing, inserted or out of order, or the first event
    /// a failing checkpoint no longer proves.
    public let eventID: Int64?
    /// Its position in sealing order (0-based).
    public let position: Int64?
    public let reason: String

    public var description: String { reason }
}

/// What a verification found.
public struct LogVerification: Sendable {
    /// Events checked.
    public let events: Int64
    /// Checkpoints whose signature and root held.
    public let checkpointsProven: Int
    /// The latest checkpoint proven, if any.
    public let latest: LogCheckpoint?
    public let failure: LogFailure?

    public var proven: Bool { failure == nil }
}

/// Checks a log in sealing order against signed checkpoints with nothing but the public key:
/// each checkpoint's signature; each event's leaf against the leaf hash recorded at sealing
/// (where the input has one), so that a changed event is named; the tree recomputed from the
/// events against every checkpoint's root, so that a checkpoint extends the previous one and
/// every event up to it is included, in order. Both `civicq log verify` forms feed it: the
/// live tables and an export.
public struct LogVerifier: Sendable {
    private var frontier: MerkleFrontier
    private var pending: [LogCheckpoint]
    private var proven: [LogCheckpoint] = []
    private var intervalStart: (position: Int64, eventID: Int64)?
    private var previous: LogPosition?
    public private(set) var failure: LogFailure?

    /// - Parameters:
    ///   - notes: every checkpoint's signed note, in any order.
    ///   - start: the tree's right edge where the input begins (an export `--from` a
    ///     checkpoint); its root must be a signed checkpoint's of the same size.
    public init(key: LogVerifierKey, notes: [String], start: MerkleFrontier = MerkleFrontier()) {
        frontier = start
        var checkpoints: [LogCheckpoint] = []
        for (index, note) in notes.enumerated() {
            do {
                checkpoints.append(try LogCheckpoint(verifying: note, with: key))
            } catch {
                failure = LogFailure(eventID: nil, position: nil, reason: "checkpoint \(index + 1) of \(notes.count) is not signed by \(key.name): \(error.message)")
                break
            }
        }
        pending = checkpoints.sorted { ($0.size, $0.time) < ($1.size, $1.time) }
        if failure == nil, start.size > 0 {
            guard let anchor = pending.first(where: { $0.size == start.size }), anchor.root == start.root else {
                failure = LogFailure(eventID: nil, position: start.size, reason: "the export's starting point is not a signed checkpoint")
                return
            }
        }
        pending.removeAll { $0.size < start.size }
        settle()
    }

    /// The next event in sealing order, read as a whole (an export): its leaf hash is computed
    /// here. `event` nil: the log records a leaf for an event that is gone.
    @discardableResult
    public mutating func add(
        position: Int64, eventID: Int64, event: LogEvent?, recordedHash: [UInt8]?, order: LogPosition? = nil
    ) -> Bool {
        add(position: position, eventID: eventID, record: event.map(LogRecord.caseEvent), recordedHash: recordedHash, order: order)
    }

    /// The same for a record of either kind (a case's event or a ledger item's).
    @discardableResult
    public mutating func add(
        position: Int64, eventID: Int64, record: LogRecord?, recordedHash: [UInt8]?, order: LogPosition? = nil
    ) -> Bool {
        add(position: position, eventID: eventID, leafHash: record?.id == eventID ? record?.leafHash : nil,
            recordedHash: recordedHash, order: order)
    }

    /// The next event in sealing order by its leaf hash as it is now (nil: the event is gone).
    /// Returns false once something failed (later calls do nothing).
    @discardableResult
    public mutating func add(
        position: Int64, eventID: Int64, leafHash: [UInt8]?, recordedHash: [UInt8]?, order: LogPosition? = nil
    ) -> Bool {
        guard failure == nil else { return false }
        guard position == frontier.size else {
            return fail(eventID, frontier.size,
                        position < frontier.size ? "event \(eventID) repeats position \(position) of the log"
                                                 : "the log skips from position \(frontier.size) to \(position): events were removed")
        }
        guard let hash = leafHash else {
            return fail(eventID, position, "event \(eventID) at position \(position) is missing")
        }
        if let recordedHash, recordedHash != hash {
            return fail(eventID, position, "event \(eventID) at position \(position) was changed after it was sealed")
        }
        if let order {
            if let previous, !(previous < order) {
                return fail(eventID, position, "event \(eventID) at position \(position) is out of its sealing order")
            }
            previous = order
        }
        if intervalStart == nil { intervalStart = (position, eventID) }
        frontier.append(hash)
        settle()
        return failure == nil
    }

    /// Records a failure found outside the stream (an event inserted into the sealed range,
    /// a line that cannot be read); the first one stands.
    public mutating func record(_ failure: LogFailure) {
        if self.failure == nil { self.failure = failure }
    }

    /// Ends the input: a checkpoint larger than the log means its tail was cut.
    public mutating func finish() -> LogVerification {
        if failure == nil, let next = pending.first {
            failure = LogFailure(
                eventID: nil, position: frontier.size,
                reason: "the log ends after \(frontier.size) events, but a checkpoint signed at \(LogCheckpoint.format(next.time)) covers \(next.size): events from position \(frontier.size) on were removed")
        }
        return LogVerification(events: frontier.size, checkpointsProven: proven.count, latest: proven.last, failure: failure)
    }

    /// The latest checkpoint proven so far.
    public var latestProven: LogCheckpoint? { proven.last }

    private mutating func settle() {
        while failure == nil, let next = pending.first, next.size == frontier.size {
            pending.removeFirst()
            guard next.root == frontier.root else {
                let first = intervalStart
                failure = LogFailure(
                    eventID: first?.eventID, position: first?.position,
                    reason: "the events from position \(first.map { String($0.position) } ?? "0") (event \(first.map { String($0.eventID) } ?? "-")) to \(next.size - 1) do not match the checkpoint of size \(next.size) signed at \(LogCheckpoint.format(next.time)): one of them was changed, inserted, removed or reordered")
                return
            }
            proven.append(next)
            intervalStart = nil
        }
    }

    private mutating func fail(_ eventID: Int64?, _ position: Int64?, _ reason: String) -> Bool {
        failure = LogFailure(eventID: eventID, position: position, reason: reason)
        return false
    }
}
