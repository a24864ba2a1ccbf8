/// What the rollups count, one column of `figure_rollup` each. `docs/figures.md` says on
/// which day each counts and which rate uses it; ``FigureRates`` is the one place the rates
/// are computed from them.
public enum FigureCounter: String, CaseIterable, Sendable, Codable {
    /// Cases received (area and category units): counted on the day received.
    case intake
    /// Lead assignments to a department (by routing or the dispatch desk), or, for area and
    /// category units, cases dispatched for the first time: on the day assigned.
    case dispatched
    /// Returns (退单) by the department: on the day returned.
    case returned
    /// Response measured (on the day the response was due): accepted by the deadline, accepted
    /// after it, or not accepted and escalated (the clock marked it overdue).
    case responseOnTime = "response_on_time"
    case responseLate = "response_late"
    case responseOverdue = "response_overdue"
    /// Resolution measured (on the day the resolution was due): first resolved by the
    /// deadline, after it, or still open and escalated.
    case resolvedOnTime = "resolved_on_time"
    case resolvedLate = "resolved_late"
    case resolutionOverdue = "resolution_overdue"
    /// Callback answers (on the day answered), and what they said.
    case callbacksAnswered = "callbacks_answered"
    case solved
    case satisfied
    case basic
    case dissatisfied
    /// Callbacks that ended unanswered (on the day the case closed as unanswered).
    case unanswered
    /// Reopened after the callback (重办): on the day reopened.
    case reopened

    /// The column of `figure_rollup`.
    public var column: String { rawValue }
}
