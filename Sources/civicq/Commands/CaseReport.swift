import Casework
import Foundation

/// Human renderings of cases and their history. Deadlines read as relative times.
enum CaseReport {
    static func table(_ cases: [CaseSummary], now: Date = Date()) -> String {
        guard !cases.isEmpty else { return "no cases" }
        var table = TextTable("id", "state", "deadline", "priority", "category", "area", "lead", "task", "title")
        for item in cases {
            let deadline: String
            if item.state.isFinal || item.state == .resolved {
                deadline = "-"
            } else if let due = item.nextDue {
                deadline = (item.accepted_at == nil ? "respond: " : "resolve: ") + Presentation.relative(due: due, now: now)
            } else {
                deadline = "-"
            }
            let task = item.task_role.map { "\($0) \(item.task_state ?? "")" } ?? ""
            table.add([String(item.id), item.state.rawValue, deadline, item.priority, item.category, item.area,
                       item.lead_department ?? "-", task, item.title])
        }
        return table.render()
    }

    static func text(_ detail: CaseDetail, now: Date = Date()) -> String {
        let summary = detail.summary
        func due(_ date: Date?, met: Bool) -> String {
            guard let date else { return "-" }
            return "\(date.formatted(.iso8601))" + (met ? "" : " (\(Presentation.relative(due: date, now: now)))")
        }
        let resolved = summary.state == .resolved || summary.state.isFinal
        var lines = [
            "case \(summary.id): \(summary.title)",
            "state        \(summary.state.rawValue)\(summary.overdue ? " (overdue)" : "")",
            "priority     \(summary.priority)",
            "category     \(summary.category)    area \(summary.area)",
            "source       \(detail.source) / \(detail.external_id) by \(detail.channel)",
            "received     \(summary.received_at.formatted(.iso8601))",
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
                table.add([task.department, task.role, task.state, task.assigned_at.formatted(.iso8601), task.final ? "yes" : ""])
            }
            lines.append(table.render())
        }
        return lines.joined(separator: "\n")
    }

    static func table(_ events: [CaseEvent]) -> String {
        guard !events.isEmpty else { return "no events" }
        var table = TextTable("at", "event", "from", "to", "actor", "department", "reason")
        for event in events {
            table.add([event.at.formatted(.iso8601), event.kind + (event.public ? "" : " (internal)"), event.from_state?.rawValue ?? "",
                       event.to_state?.rawValue ?? "", event.actor, event.department ?? "", event.reason ?? ""])
        }
        return table.render()
    }
}
