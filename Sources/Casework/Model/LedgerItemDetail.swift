public import Foundation

/// An item with what hangs off it, for `ledger show`.
public struct LedgerItemDetail: Sendable, Equatable, Codable {
    public var item: LedgerItem
    public var cases: [Int64]
    public var events: [Event]
    public var evidence: [Evidence]

    /// One change of the item (table `ledger_events`).
    public struct Event: Sendable, Equatable, Codable {
        public var id: Int64
        public var at: Date
        public var actor: String
        public var kind: String
        public var department: String?
        public var note: String?
        /// The event's details, as JSON text.
        public var details: String
    }

    /// One evidence file of a close-out request: its name, type read from its bytes, size and
    /// SHA-256 (hex); the bytes are read on their own (``CaseworkStore/evidence(_:on:)``).
    public struct Evidence: Sendable, Equatable, Codable {
        public var id: Int64
        public var event: Int64
        public var name: String
        public var mediaType: String
        public var size: Int
        public var sha256: String

        enum CodingKeys: String, CodingKey {
            case id, event, name, size, sha256
            case mediaType = "media_type"
        }
    }
}
