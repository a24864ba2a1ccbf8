/// What happened to a ledger item: the kinds of `ledger_events` (its CHECK constraint, migration
/// 024; `ContractTests` checks that the two agree).
public enum LedgerEventKind: String, Sendable, CaseIterable, Codable {
    case created
    case linked
    case progress
    case closeOutRequested = "close_out_requested"
    case closedOut = "closed_out"
    case refused
    case escalated

    /// As a person reads it in `ledger show`.
    public var label: String {
        switch self {
        case .created: "created"
        case .linked: "cases linked"
        case .progress: "progress"
        case .closeOutRequested: "close-out asked"
        case .closedOut: "closed out"
        case .refused: "close-out refused"
        case .escalated: "overdue: escalated"
        }
    }

    /// As a person reads it, in `language`.
    public func label(_ language: Language) -> String {
        guard language == .zhCN else { return label }
        switch self {
        case .created: return "创建"
        case .linked: return "关联案件"
        case .progress: return "进展"
        case .closeOutRequested: return "申请销号"
        case .closedOut: return "已销号"
        case .refused: return "销号被驳回"
        case .escalated: return "超期：已督办"
        }
    }
}
