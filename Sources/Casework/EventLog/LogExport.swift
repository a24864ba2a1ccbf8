import Foundation

/// The export's JSON Lines: a header, every checkpoint (signed notes), then every event in
/// sealing order with the leaf hash recorded when it was sealed: a case's event (`event`) or a
/// ledger item's (`ledger-event`). An export `--from` a
/// checkpoint starts at that checkpoint's size with the tree's right edge there, which the
/// verifier accepts only if its root is that checkpoint's.
public enum LogExport {
    public struct Header: Codable, Sendable {
        public var type = "civicq-log"
        public var version = 1
        public var origin: String
        /// The installation's reporting time zone, for recomputing figures from the export.
        public var timeZone: String
        /// The position of the first event in the file.
        public var from: Int64
        /// The tree's right edge at `from` (hex), empty when `from` is 0.
        public var frontier: [String]

        public init(origin: String, timeZone: String, from: Int64, frontier: [[UInt8]]) {
            self.origin = origin
            self.timeZone = timeZone
            self.from = from
            self.frontier = frontier.map(Hex.encode)
        }

        enum CodingKeys: String, CodingKey {
            case type, version, origin, from, frontier
            case timeZone = "time_zone"
        }
    }

    struct CheckpointLine: Codable {
        var type = "checkpoint"
        var note: String
    }

    struct EventLine: Codable {
        var type = "event"
        var seq: Int64
        var leaf: String
        var xid: String
        var event: LogEvent
    }

    struct LedgerEventLine: Codable {
        var type = "ledger-event"
        var seq: Int64
        var leaf: String
        var xid: String
        var ledgerEvent: LedgerLogEvent

        enum CodingKeys: String, CodingKey {
            case type, seq, leaf, xid
            case ledgerEvent = "ledger_event"
        }
    }

    struct Kind: Decodable { let type: String }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static func line(_ header: Header) throws -> String { try text(header) }

    public static func line(checkpoint note: String) throws -> String { try text(CheckpointLine(note: note)) }

    public static func line(seq: Int64, leaf: [UInt8], position: LogPosition, record: LogRecord) throws -> String {
        switch record {
        case .caseEvent(let event):
            try text(EventLine(seq: seq, leaf: Hex.encode(leaf), xid: String(position.xid), event: event))
        case .ledgerEvent(let event):
            try text(LedgerEventLine(seq: seq, leaf: Hex.encode(leaf), xid: String(position.xid), ledgerEvent: event))
        }
    }

    private static func text(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// What reading an export found: the verification, the header, and the events (kept only
    /// when asked, for recomputing figures).
    public struct Reading: Sendable {
        public let verification: LogVerification
        public let header: Header?
        public let events: [LogEvent]
    }

    /// Verifies an export's lines with the public key alone. A line that is not JSON, or a
    /// header, checkpoint or event out of place, fails the export at that line.
    public static func verify(lines: some Sequence<Substring>, key: LogVerifierKey, keepEvents: Bool = false) -> Reading {
        let decoder = JSONDecoder()
        var header: Header?
        var notes: [String] = []
        var verifier: LogVerifier?
        var events: [LogEvent] = []
        var number = 0
        func broken(_ reason: String) -> Reading {
            var failed = LogVerifier(key: key, notes: [])
            failed.record(LogFailure(eventID: nil, position: nil, reason: "line \(number): \(reason)"))
            return Reading(verification: failed.finish(), header: header, events: [])
        }
        for line in lines where !line.isEmpty {
            number += 1
            let data = Data(line.utf8)
            guard let kind = try? decoder.decode(Kind.self, from: data) else { return broken("not a JSON object with a type") }
            switch kind.type {
            case "civicq-log" where number == 1:
                guard let decoded = try? decoder.decode(Header.self, from: data), decoded.version == 1 else { return broken("an unknown export version") }
                header = decoded
            case "checkpoint" where header != nil && verifier == nil:
                guard let decoded = try? decoder.decode(CheckpointLine.self, from: data) else { return broken("a checkpoint without its note") }
                notes.append(decoded.note)
            case "event" where header != nil, "ledger-event" where header != nil:
                let record: LogRecord
                let seq: Int64
                let leafText: String
                let xidText: String
                if kind.type == "event", let decoded = try? decoder.decode(EventLine.self, from: data) {
                    (record, seq, leafText, xidText) = (.caseEvent(decoded.event), decoded.seq, decoded.leaf, decoded.xid)
                } else if kind.type == "ledger-event", let decoded = try? decoder.decode(LedgerEventLine.self, from: data) {
                    (record, seq, leafText, xidText) = (.ledgerEvent(decoded.ledgerEvent), decoded.seq, decoded.leaf, decoded.xid)
                } else {
                    return broken("an event that cannot be read")
                }
                guard let leaf = Hex.decode(leafText), let xid = UInt64(xidText) else { return broken("an event that cannot be read") }
                if verifier == nil {
                    let start = MerkleFrontier(size: header!.from, hashes: header!.frontier.compactMap(Hex.decode)) ?? MerkleFrontier()
                    if start.size != header!.from { return broken("the header's right edge does not fit its starting position") }
                    verifier = LogVerifier(key: key, notes: notes, start: start)
                }
                guard verifier!.add(position: seq, eventID: record.id, record: record, recordedHash: leaf,
                                    order: LogPosition(xid: xid, id: record.id)) else {
                    return Reading(verification: verifier!.finish(), header: header, events: [])
                }
                if keepEvents, case .caseEvent(let event) = record { events.append(event) }
            default:
                return broken("a \(kind.type) line where it does not belong")
            }
        }
        guard header != nil else { return broken("no header: not a civicq log export") }
        if verifier == nil {
            let start = MerkleFrontier(size: header!.from, hashes: header!.frontier.compactMap(Hex.decode)) ?? MerkleFrontier()
            verifier = LogVerifier(key: key, notes: notes, start: start)
        }
        return Reading(verification: verifier!.finish(), header: header, events: events)
    }
}
