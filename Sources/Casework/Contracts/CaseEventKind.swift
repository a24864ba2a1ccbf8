public import Postgres

/// What an event of a case's log records: the one list of kinds, each with the keys its
/// `details` may hold.
///
/// The database holds the same contract (`case_event_kinds()`, migration 020) and refuses an
/// event of another kind, or with another details key (the check `case_events_contract`);
/// `ContractTests` checks that the two agree. ``CaseFacts/derive(from:calendar:)`` switches
/// over every kind, so a new kind does not compile until the figures decide what it counts.
public enum CaseEventKind: String, Sendable, CaseIterable, Codable, PostgresDecodable {
    /// Intake stored the complaint.
    case received
    /// Routing sent it to a lead department (and assisting ones).
    case dispatched
    /// Routing found no rule: the dispatch desk decides.
    case manualDispatch = "manual_dispatch"
    /// The desk assigned it by hand.
    case assigned
    /// A department (lead or assisting) accepted its task.
    case accepted
    /// A note, internal or public.
    case note
    /// An assisting department finished its part.
    case assistDone = "assist_done"
    /// The lead department resolved the case.
    case resolved
    /// An assisting department handed its task back.
    case assistReturned = "assist_returned"
    /// The lead department returned a misrouted case (退单).
    case returned
    /// Extensions: asked for, granted, refused.
    case extensionRequested = "extension_requested"
    case extensionApproved = "extension_approved"
    case extensionRefused = "extension_refused"
    /// Merged into another case, and the other case's record of it.
    case merged
    case mergedFrom = "merged_from"
    /// Ended without being worked: withdrawn by the citizen or the desk, rejected by the desk.
    case withdrawn
    case rejected
    /// Someone looked at the citizen's name and phone.
    case contactRevealed = "contact_revealed"
    /// Closed after the callback (or with none answered, or by the office's ruling).
    case closed
    /// Reopened after the callback (重办).
    case reopened
    /// The callback: a try that reached nobody, and the citizen's answer.
    case callbackUnreachable = "callback_unreachable"
    case callbackAnswered = "callback_answered"
    /// The clocks: a deadline is near, a deadline passed (督办), a new resolution deadline.
    case warned
    case escalated
    case reclocked

    public init(postgresCell cell: PostgresCell) throws {
        guard let kind = CaseEventKind(rawValue: cell.string) else {
            throw PostgresError(code: .decodingFailed, reason: "unknown event kind")
        }
        self = kind
    }

    /// The keys `details` may hold for this kind (a subset may be present).
    public var detailsKeys: Set<String> {
        switch self {
        case .received: ["channel"]
        // A dispatch by the dispatch model also names it (migration 031).
        case .dispatched: ["rule", "version", "assists", "response_due", "resolution_due", "source", "model", "probability"]
        case .manualDispatch: ["rule", "version", "assists", "response_due", "resolution_due"]
        case .assigned: ["lead", "assists", "final"]
        case .accepted: ["task", "on_time"]
        case .resolved: ["on_time"]
        case .note, .assistDone, .withdrawn, .rejected, .contactRevealed: []
        case .assistReturned, .returned: ["reason_code", "held_seconds"]
        case .extensionRequested, .extensionApproved, .extensionRefused: ["extension", "until", "previous_due"]
        case .merged: ["into"]
        case .mergedFrom: ["duplicate"]
        case .closed: ["solved", "rating", "tries", "window_ended"]
        case .reopened, .callbackAnswered: ["solved", "rating"]
        case .callbackUnreachable: ["try", "of"]
        case .warned, .escalated: ["clock", "due"]
        case .reclocked: ["clock", "due", "previous_due"]
        }
    }
}
