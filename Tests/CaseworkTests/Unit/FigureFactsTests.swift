import Casework
import Foundation
import Testing

/// Hand-made event sequences and what each must count, for whom and on which day.
@Suite("Figures: facts from event sequences")
struct FigureFactsTests {
    static let calendar = WorkCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    /// A local time in Shanghai, `2026-11-03 09:00`.
    static func at(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text.replacingOccurrences(of: " ", with: "T") + ":00+08:00")!
    }

    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    /// A case received 2026-11-02 09:00 in area 420102, category 010101, dispatched to
    /// `lead` at 09:05 with response due 11-03 18:00 and resolution due 11-09 18:00.
    static func history(lead: String = "waterworks", assists: [String] = [], then events: [FigureEvent]) -> CaseHistory {
        var dispatched = FigureEvent(.dispatched, at: at("2026-11-02 09:05"), department: lead)
        dispatched.responseDue = at("2026-11-03 18:00")
        dispatched.resolutionDue = at("2026-11-09 18:00")
        dispatched.assists = assists
        return CaseHistory(caseID: 1, area: "420102", category: "010101", receivedAt: at("2026-11-02 09:00"),
                           events: [FigureEvent(.received, at: at("2026-11-02 09:00")), dispatched] + events)
    }

    static func event(_ kind: CaseEventKind, _ time: String, _ department: String? = "waterworks", _ change: (inout FigureEvent) -> Void = { _ in }) -> FigureEvent {
        var event = FigureEvent(kind, at: at(time), department: department)
        change(&event)
        return event
    }

    static func accepted(_ time: String, _ department: String = "waterworks", task: String = "lead") -> FigureEvent {
        event(.accepted, time, department) { $0.task = task }
    }

    static func escalated(_ clock: String, due: String, _ department: String? = "waterworks") -> FigureEvent {
        event(.escalated, due, department) { $0.clock = clock; $0.due = at(due) }
    }

    static func answered(_ time: String, solved: Bool, rating: String) -> FigureEvent {
        event(.callbackAnswered, time) { $0.solved = solved; $0.rating = rating }
    }

    func contributions(_ history: CaseHistory) -> [FigureKey: FigureCounts] {
        CaseFacts.derive(from: history, calendar: Self.calendar).contributions
    }

    func counts(_ history: CaseHistory, _ unit: FigureUnit, on day: String) -> FigureCounts {
        contributions(history)[FigureKey(unit, Self.day(day))] ?? FigureCounts()
    }

    @Test("a case merged into another counts its intake only, whatever happened before or after the merge")
    func merged() {
        let history = Self.history(then: [
            Self.accepted("2026-11-02 10:00"),
            Self.event(.returned, "2026-11-02 11:00"),
            Self.event(.merged, "2026-11-02 12:00", nil),
            Self.answered("2026-11-10 10:00", solved: false, rating: "dissatisfied"),
        ])
        let all = contributions(history)
        #expect(all.keys.map(\.day) == [Self.day("2026-11-02"), Self.day("2026-11-02")])
        #expect(Set(all.keys.map(\.unit)) == [FigureUnit(.area, "420102"), FigureUnit(.category, "010101")])
        #expect(all.values.allSatisfy { $0[.intake] == 1 && $0 == { var c = FigureCounts(); c[.intake] = 1; return c }() })
    }

    @Test("a case handled on time counts intake, dispatch, response and resolution on their days")
    func onTime() {
        let history = Self.history(then: [
            Self.accepted("2026-11-02 10:00"),
            Self.event(.resolved, "2026-11-05 16:00"),
            Self.answered("2026-11-06 10:00", solved: true, rating: "satisfied"),
            Self.event(.closed, "2026-11-06 10:00") { $0.reason = "satisfied" },
        ])
        let area = FigureUnit(.area, "420102")
        #expect(counts(history, area, on: "2026-11-02")[.intake] == 1)
        #expect(counts(history, area, on: "2026-11-02")[.dispatched] == 1)
        #expect(counts(history, .lead("waterworks"), on: "2026-11-02")[.dispatched] == 1)
        // Response counts on the day it was due (11-03), resolution on 11-09.
        #expect(counts(history, .lead("waterworks"), on: "2026-11-03")[.responseOnTime] == 1)
        #expect(counts(history, .lead("waterworks"), on: "2026-11-09")[.resolvedOnTime] == 1)
        #expect(counts(history, .lead("waterworks"), on: "2026-11-06")[.callbacksAnswered] == 1)
        #expect(counts(history, .lead("waterworks"), on: "2026-11-06")[.satisfied] == 1)
        #expect(counts(history, .lead("waterworks"), on: "2026-11-06")[.solved] == 1)
        // Time to respond: one hour from intake, in the 1 h bucket.
        #expect(counts(history, .lead("waterworks"), on: "2026-11-03").respond.total == 1)
        #expect(counts(history, .lead("waterworks"), on: "2026-11-03").respond.quantile(1) == 3_600)
        #expect(counts(history, FigureUnit(.category, "010101"), on: "2026-11-09")[.resolvedOnTime] == 1)
    }

    @Test("a case due in the period but resolved after it counts late, on its due day; open and escalated counts overdue")
    func lateAndOverdue() {
        let late = Self.history(then: [
            Self.accepted("2026-11-04 09:00"),
            Self.escalated("response", due: "2026-11-03 18:00"),
            Self.escalated("resolution", due: "2026-11-09 18:00"),
            Self.event(.resolved, "2026-11-12 11:00"),
        ])
        let lead = FigureUnit.lead("waterworks")
        #expect(counts(late, lead, on: "2026-11-03")[.responseLate] == 1)
        #expect(counts(late, lead, on: "2026-11-03")[.responseOverdue] == 0)
        #expect(counts(late, lead, on: "2026-11-09")[.resolvedLate] == 1)
        #expect(counts(late, lead, on: "2026-11-09")[.resolutionOverdue] == 0)
        #expect(counts(late, lead, on: "2026-11-12").isZero)

        let open = Self.history(then: [Self.escalated("response", due: "2026-11-03 18:00"), Self.escalated("resolution", due: "2026-11-09 18:00")])
        #expect(counts(open, lead, on: "2026-11-03")[.responseOverdue] == 1)
        #expect(counts(open, lead, on: "2026-11-09")[.resolutionOverdue] == 1)

        // Not yet due and not escalated: nothing is measured, neither for nor against.
        let pending = Self.history(then: [])
        #expect(counts(pending, lead, on: "2026-11-03")[.responseOverdue] == 0)
        #expect(contributions(pending).keys.allSatisfy { $0.day == Self.day("2026-11-02") })
    }

    @Test("a reopened case: the first resolution is measured once, the reopen and the callback count on their day")
    func reopened() {
        let history = Self.history(then: [
            Self.accepted("2026-11-02 10:00"),
            Self.event(.resolved, "2026-11-05 16:00"),
            Self.answered("2026-11-06 10:00", solved: false, rating: "dissatisfied"),
            Self.event(.reopened, "2026-11-06 10:00"),
            Self.accepted("2026-11-06 11:00"),
            Self.event(.resolved, "2026-11-20 16:00"),
            Self.answered("2026-11-21 10:00", solved: true, rating: "basic"),
        ])
        let all = contributions(history).values.reduce(FigureCounts(), +)
        let lead = FigureUnit.lead("waterworks")
        #expect(counts(history, lead, on: "2026-11-09")[.resolvedOnTime] == 1)
        #expect(all[.resolvedOnTime] == 3)       // lead, area and category: once each
        #expect(all[.resolvedLate] == 0)
        #expect(counts(history, lead, on: "2026-11-06")[.reopened] == 1)
        #expect(counts(history, lead, on: "2026-11-06")[.dissatisfied] == 1)
        #expect(counts(history, lead, on: "2026-11-21")[.basic] == 1)
        #expect(counts(history, lead, on: "2026-11-21")[.solved] == 1)
    }

    @Test("an unreachable citizen counts as unanswered, not as an answer")
    func unreachable() {
        let history = Self.history(then: [
            Self.accepted("2026-11-02 10:00"),
            Self.event(.resolved, "2026-11-05 16:00"),
            Self.event(.callbackUnreachable, "2026-11-06 10:00"),
            Self.event(.closed, "2026-11-07 16:00") { $0.reason = "unanswered" },
        ])
        let day = counts(history, .lead("waterworks"), on: "2026-11-07")
        #expect(day[.unanswered] == 1)
        #expect(day[.callbacksAnswered] == 0)
        #expect(FigureRates(day, basicWeight: 1).satisfaction.value == nil)
    }

    @Test("a return counts against the returning department; the next one answers for the clocks it meets or misses")
    func returns() {
        var redispatched = Self.event(.dispatched, "2026-11-03 09:00", "roads")
        redispatched.responseDue = Self.at("2026-11-03 18:00")  // deadlines stay from the first dispatch
        let history = Self.history(then: [
            Self.accepted("2026-11-02 10:00"),
            Self.event(.returned, "2026-11-02 15:00"),
            redispatched,
            Self.accepted("2026-11-03 10:00", "roads"),
            Self.event(.resolved, "2026-11-10 09:00", "roads"),
        ])
        let first = FigureUnit.lead("waterworks"), second = FigureUnit.lead("roads")
        #expect(counts(history, first, on: "2026-11-02")[.dispatched] == 1)
        #expect(counts(history, first, on: "2026-11-02")[.returned] == 1)
        #expect(counts(history, second, on: "2026-11-03")[.dispatched] == 1)
        // The response was met by the first acceptance (waterworks); the resolution is roads', late.
        #expect(counts(history, first, on: "2026-11-03")[.responseOnTime] == 1)
        #expect(counts(history, second, on: "2026-11-09")[.resolvedLate] == 1)
        // The area counts one dispatch (the first), not two.
        let area = contributions(history).filter { $0.key.unit.dimension == .area }.values.reduce(FigureCounts(), +)
        #expect(area[.dispatched] == 1)
        #expect(FigureRates(counts(history, first, on: "2026-11-02"), basicWeight: 1).returns.value == 1)
    }

    @Test("an approved extension moves the resolution deadline and its day; the old deadline's escalation no longer counts")
    func extensionMovesTheDeadline() {
        let history = Self.history(then: [
            Self.accepted("2026-11-02 10:00"),
            Self.escalated("resolution", due: "2026-11-09 18:00"),
            Self.event(.extensionApproved, "2026-11-10 09:00") { $0.until = Self.at("2026-11-16 18:00") },
            Self.event(.resolved, "2026-11-15 12:00"),
        ])
        let lead = FigureUnit.lead("waterworks")
        #expect(counts(history, lead, on: "2026-11-09")[.resolutionOverdue] == 0)
        #expect(counts(history, lead, on: "2026-11-16")[.resolvedOnTime] == 1)
    }

    @Test("assisting departments: measured on their own task; a returned assist is not measured")
    func assists() {
        let history = Self.history(assists: ["sanitation", "police"], then: [
            Self.accepted("2026-11-02 10:00"),
            Self.accepted("2026-11-02 11:00", "sanitation", task: "assist"),
            Self.event(.assistDone, "2026-11-10 09:00", "sanitation"),
            Self.event(.assistReturned, "2026-11-02 12:00", "police"),
            Self.event(.resolved, "2026-11-09 12:00"),
        ])
        let sanitation = FigureUnit.assist("sanitation"), police = FigureUnit.assist("police")
        #expect(counts(history, sanitation, on: "2026-11-02")[.dispatched] == 1)
        #expect(counts(history, sanitation, on: "2026-11-03")[.responseOnTime] == 1)
        #expect(counts(history, sanitation, on: "2026-11-09")[.resolvedLate] == 1)
        #expect(counts(history, police, on: "2026-11-02")[.returned] == 1)
        #expect(contributions(history).filter { $0.key.unit == police }.values.reduce(FigureCounts(), +)[.responseOnTime] == 0)
        // The lead's figures are its own.
        #expect(counts(history, .lead("waterworks"), on: "2026-11-09")[.resolvedOnTime] == 1)
    }

    @Test("facts survive their JSON round trip, and old minus new contributions cancel")
    func storedFacts() throws {
        let history = Self.history(assists: ["sanitation"], then: [
            Self.accepted("2026-11-02 10:00"), Self.event(.resolved, "2026-11-05 16:00"),
            Self.answered("2026-11-06 10:00", solved: true, rating: "basic"),
        ])
        let facts = CaseFacts.derive(from: history, calendar: Self.calendar)
        let decoded = try JSONDecoder().decode(CaseFacts.self, from: try JSONEncoder().encode(facts))
        #expect(decoded == facts)
        var delta = FigureCounts()
        for counts in facts.contributions.values { delta.add(counts) }
        for counts in decoded.contributions.values { delta.add(counts, sign: -1) }
        #expect(delta.isZero)
    }
}
