import Casework
import Foundation

/// Human renderings of cases and their history: times in the installation's reporting time
/// zone with its offset, deadlines also as relative times.
enum CaseReport {
    /// One page of a list, and how many there are in all ("50 of 2,064").
    static func table(_ cases: [CaseSummary], total: Int? = nil, page: Int = 1, timeZone: TimeZone, now: Date = Date()) -> String {
        guard !cases.isEmpty else { return page > 1 ? "no cases on page \(page)" + (total.map { " (\($0) in all)" } ?? "") : "no cases" }
        var table = TextTable("id", "state", "deadline", "priority", "category", "area", "lead", "task", "title")
        table.maxCellWidth = 64  // a missed clock with its time and offset, and the next one
        for item in cases {
            let task = item.task_role.map { "\($0) \(item.task_state ?? "")" } ?? ""
            table.add([String(item.id), item.state.rawValue, deadline(item, timeZone: timeZone, now: now), item.priority, item.category,
                       item.area, item.lead_department ?? "-", task, item.title])
        }
        var text = table.render()
        if let total, total > cases.count {
            let first = (page - 1) * cases.count + 1
            let shown = page == 1 ? "\(cases.count)" : "\(first)–\(first + cases.count - 1)"
            text += "\n\(shown) of \(Presentation.grouped(total)) — more with --limit N or --page \(page + 1)"
        }
        return text
    }

    /// The clock that matters, by name: a missed one with the time it was missed ("respond:
    /// overdue since 2026-12-01 18:00 +08:00"), else the next one relative to now.
    static func deadline(_ item: CaseSummary, timeZone: TimeZone, now: Date) -> String {
        if item.state.isFinal || item.state == .resolved { return "-" }
        var missed: [String] = []
        if item.response_overdue, let due = item.response_due {
            missed.append("respond: overdue since \(Presentation.deadline(due, in: timeZone))" + (item.accepted_at == nil ? "" : " (accepted late)"))
        }
        if item.resolution_overdue, let due = item.resolution_due {
            missed.append("resolve: overdue since \(Presentation.deadline(due, in: timeZone))")
        } else if item.accepted_at != nil, let due = item.resolution_due, !missed.isEmpty {
            missed.append("resolve: \(Presentation.relative(due: due, now: now))")
        }
        if !missed.isEmpty { return missed.joined(separator: "; ") }
        guard let due = item.nextDue else { return "-" }
        return (item.accepted_at == nil ? "respond: " : "resolve: ") + Presentation.relative(due: due, now: now)
    }

    static func text(_ detail: CaseDetail, timeZone: TimeZone, now: Date = Date()) -> String {
        let summary = detail.summary
        let local = { (date: Date) in Presentation.local(date, in: timeZone) }
        func due(_ date: Date?, met: Bool) -> String {
            guard let date else { return "-" }
            return Presentation.deadline(date, in: timeZone) + (met ? "" : " (\(Presentation.relative(due: date, now: now)))")
        }
        let resolved = summary.state == .resolved || summary.state.isFinal
        var lines = [
            "case \(summary.id): \(summary.title)",
            "state        \(summary.state.rawValue)\(summary.overdue ? " (overdue)" : "")",
            "priority     \(summary.priority)",
            "category     \(summary.category)    area \(summary.area)",
            "source       \(detail.source) / \(detail.external_id) by \(detail.channel)",
            "received     \(local(summary.received_at))",
            "respond by   \(due(summary.response_due, met: summary.accepted_at != nil || resolved))",
            "resolve by   \(due(summary.resolution_due, met: resolved))",
            "citizen      \(detail.citizen_name) \(detail.citizen_phone)\(detail.contact_revealed ? "" : " (masked)")",
        ]
        if let address = detail.address { lines.append("address      \(address)") }
        if let rule = detail.rule_id { lines.append("routed by    rule \(rule) of version \(detail.rule_version.map(String.init) ?? "?")") }
        if detail.return_count > 0 || detail.reopen_count > 0 {
            lines.append("returned     \(detail.return_count) times; reopened \(detail.reopen_count) times")
        }
        if let main = detail.merged_into { lines.append("merged into  case \(main)") }
        if let reason = detail.close_reason { lines.append("closed as    \(reason)") }
        lines.append("")
        lines.append(detail.description)
        if let reply = detail.reply {
            lines.append("")
            lines.append("reply: \(reply)")
        }
        if !detail.tasks.isEmpty {
            lines.append("")
            var table = TextTable("department", "role", "task", "assigned", "final")
            for task in detail.tasks {
                table.add([task.department, task.role, task.state, local(task.assigned_at), task.final ? "yes" : ""])
            }
            lines.append(table.render())
        }
        return lines.joined(separator: "\n")
    }

    static func table(_ events: [CaseEvent], timeZone: TimeZone) -> String {
        guard !events.isEmpty else { return "no events" }
        var table = TextTable("at", "event", "from", "to", "actor", "department", "reason")
        for event in events {
            table.add([Presentation.local(event.at, in: timeZone, seconds: true), event.kind + (event.public ? "" : " (internal)"), event.from_state?.rawValue ?? "",
                       event.to_state?.rawValue ?? "", event.actor, event.department ?? "", event.reason ?? ""])
        }
        return table.render()
    }
}
