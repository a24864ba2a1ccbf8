/// The state of a ledger item (台账事项): open, close-out requested, closed out (销号), the
/// CHECK constraint of `ledger_items.state` (migration 024; `ContractTests` compares them). A
/// refused request goes back to open. Overdue is not a state: the deadline passed first.
public enum LedgerItemState: String, Sendable, Codable, CaseIterable {
    case open
    case requested
    case closedOut = "closed_out"

    /// As a person reads it.
    public var label: String {
        switch self {
        case .open: "open"
        case .requested: "close-out requested"
        case .closedOut: "closed out"
        }
    }

    /// As a person reads it, in `language`.
    public func label(_ language: Language) -> String {
        switch self {
        case .open: language.pick("open", "未销号")
        case .requested: language.pick("close-out requested", "已申请销号")
        case .closedOut: language.pick("closed out", "已销号")
        }
    }
}
