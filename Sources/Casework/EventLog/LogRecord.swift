/// A sealed record: a case's event or a ledger item's; both take positions in one log.
public enum LogRecord: Sendable, Equatable {
    case caseEvent(LogEvent)
    case ledgerEvent(LedgerLogEvent)

    public var id: Int64 {
        switch self {
        case .caseEvent(let event): event.id
        case .ledgerEvent(let event): event.id
        }
    }

    public var leafHash: [UInt8] {
        switch self {
        case .caseEvent(let event): event.leafHash
        case .ledgerEvent(let event): event.leafHash
        }
    }
}
