import Foundation

extension CaseFacts {
    /// The facts of one case from its events (in log order).
    ///
    /// - Response: measured once, on the day the response deadline falls: the first
    ///   acceptance by a lead department, on time or late; with none, overdue once the clock
    ///   escalated it (for the department that held the case then).
    /// - Resolution: the same with the first resolution and the resolution deadline as it
    ///   stood then (approved extensions move it; the new clock after a reopen does not).
    /// - Callbacks, returns and reopens count on the day they happen, for the department
    ///   the event names.
    /// - Assisting departments: their acceptance and their part done, against the case's
    ///   deadlines; withdrawn or returned tasks are not measured.
    /// - A case merged into another (并单) counts only its intake: the parent answers for the
    ///   problem, and no department is measured twice for it.
    public static func derive(from history: CaseHistory, calendar: WorkCalendar) -> CaseFacts {
        if history.events.contains(where: { $0.kind == .merged }) {
            return CaseFacts(area: history.area, category: history.category, received: calendar.day(of: history.receivedAt))
        }
        var facts = CaseFacts(area: history.area, category: history.category, received: calendar.day(of: history.receivedAt))
        var responseDue: Date?
        var resolutionDue: Date?
        var accepted: (department: String?, at: Date)?
        var resolved: (department: String?, at: Date)?
        var responseEscalated: String??
        var resolutionEscalated: String??
        var assists: [AssistTask] = []

        func seconds(_ at: Date) -> Double { max(0, at.timeIntervalSince(history.receivedAt)) }

        for event in history.events {
            let day = calendar.day(of: event.at)
            switch event.kind {
            case .dispatched, .manualDispatch, .assigned:
                if responseDue == nil, let due = event.responseDue { responseDue = due }
                if resolutionDue == nil, let due = event.resolutionDue { resolutionDue = due }
                guard event.kind != .manualDispatch, let lead = event.department else { break }
                if event.kind == .assigned { assists.withdrawActive() }
                if facts.firstDispatch == nil { facts.firstDispatch = day }
                facts.leads.append(Mark(department: lead, day: day))
                for department in event.assists where department != lead {
                    assists.append(AssistTask(department: department, assigned: day))
                }
            case .accepted:
                if event.task == "assist" {
                    assists.update(event.department) { if $0.acceptedAt == nil { $0.acceptedAt = event.at } }
                } else if accepted == nil {
                    accepted = (event.department, event.at)
                }
            case .resolved:
                if resolved == nil { resolved = (event.department, event.at) }
            case .assistDone:
                assists.update(event.department) { $0.doneAt = event.at }
            case .assistReturned:
                assists.update(event.department) { $0.returned = day }
            case .returned:
                facts.returns.append(Mark(department: event.department, day: day))
                assists.withdrawActive()
            case .extensionApproved:
                if resolved == nil, let until = event.until {
                    resolutionDue = until
                    resolutionEscalated = nil
                }
            case .escalated:
                // Only an escalation of the deadline as it stands counts (an extension
                // approved later moved it).
                if event.clock == "response", accepted == nil, responseEscalated == nil,
                   event.due == nil || event.due == responseDue {
                    responseEscalated = .some(event.department)
                } else if event.clock == "resolution", resolved == nil, resolutionEscalated == nil,
                          event.due == nil || event.due == resolutionDue {
                    resolutionEscalated = .some(event.department)
                }
            case .callbackAnswered:
                facts.callbacks.append(Callback(department: event.department, day: day, solved: event.solved ?? false, rating: event.rating))
            case .closed:
                // Only a callback that reached nobody counts here; an answered one counted
                // at callback_answered.
                guard event.reason == "unanswered" else { break }
                facts.callbacks.append(Callback(department: event.department, day: day, solved: nil, rating: nil))
            case .reopened:
                facts.reopens.append(Mark(department: event.department, day: day))
            case .merged, .withdrawn, .rejected:
                assists.withdrawActive()
            case .received, .note, .extensionRequested, .extensionRefused, .mergedFrom, .contactRevealed,
                 .callbackUnreachable, .warned, .reclocked:
                // Not counted: intake counts from the case itself, the rest changes no figure.
                break
            }
        }

        /// A clock measured: met at `met` (on time or late), or overdue when it was escalated.
        func measure(_ due: Date?, met: (department: String?, at: Date)?, escalated: String??) -> Measure? {
            guard let due else { return nil }
            let day = calendar.day(of: due)
            if let met { return Measure(department: met.department, day: day, outcome: met.at <= due ? .onTime : .late, seconds: seconds(met.at)) }
            if let escalated { return Measure(department: escalated, day: day, outcome: .overdue) }
            return nil
        }

        facts.response = measure(responseDue, met: accepted, escalated: responseEscalated)
        facts.resolution = measure(resolutionDue, met: resolved, escalated: resolutionEscalated)
        facts.assists = assists.map { task in
            var assist = Assist(department: task.department, assigned: task.assigned, returned: task.returned)
            guard task.returned == nil, !task.withdrawn else { return assist }
            let own: String?? = .some(task.department)
            assist.response = measure(responseDue, met: task.acceptedAt.map { (task.department, $0) }, escalated: responseEscalated == nil ? nil : own)
            assist.resolution = measure(resolutionDue, met: task.doneAt.map { (task.department, $0) }, escalated: resolutionEscalated == nil ? nil : own)
            return assist
        }
        return facts
    }
}

/// An assisting task while the events are read.
private struct AssistTask {
    let department: String
    let assigned: CalendarDay
    var acceptedAt: Date?
    var doneAt: Date?
    var returned: CalendarDay?
    var withdrawn = false

    var active: Bool { returned == nil && doneAt == nil && !withdrawn }
}

extension [AssistTask] {
    /// Changes the department's newest task.
    fileprivate mutating func update(_ department: String?, _ change: (inout AssistTask) -> Void) {
        guard let index = lastIndex(where: { $0.department == department }) else { return }
        change(&self[index])
    }

    /// The lead returned the case, or the desk reassigned it: open assisting tasks end.
    fileprivate mutating func withdrawActive() {
        for index in indices where self[index].active { self[index].withdrawn = true }
    }
}

extension CaseEventKind {
    /// Whether the figures read events of this kind: the store fetches only these. As
    /// exhaustive as ``CaseFacts/derive(from:calendar:)``'s switch; a test checks that an
    /// event of any other kind changes no figure.
    public var isReadByFigures: Bool {
        switch self {
        case .dispatched, .manualDispatch, .assigned, .accepted, .resolved, .assistDone, .assistReturned, .returned,
             .extensionApproved, .escalated, .callbackAnswered, .closed, .reopened, .merged, .withdrawn, .rejected:
            true
        case .received, .note, .extensionRequested, .extensionRefused, .mergedFrom, .contactRevealed,
             .callbackUnreachable, .warned, .reclocked:
            false
        }
    }

    /// The kinds the figures read.
    public static let readByFigures: [CaseEventKind] = allCases.filter(\.isReadByFigures)
}
