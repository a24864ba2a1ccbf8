import Casework
import Foundation

/// Human renderings of cases and their history, for an ``Audience``: times in the
/// installation's reporting time zone with its offset, deadlines also relative, headers and
/// labels in the reader's language (codes and states as stored, names beside codes).
enum CaseReport {
    /// One page of a list, and how many there are in all ("50 of 2,064").
    /// `suggestions`: the dispatch model's first choice for cases at the desk, shown as their lead.
    static func table(
        _ cases: [CaseSummary], total: Int? = nil, page: Int = 1, suggestions: [Int64: DispatchModel.Suggestion] = [:],
        for audience: Audience, now: Date = Date()
    ) -> String {
        let say = audience.say
        guard !cases.isEmpty else {
            let all = total.map { say(" (\($0) in all)", "（共 \($0) 件）") } ?? ""
            return page > 1 ? say("no cases on page \(page)", "第 \(page) 页没有案件") + all : say("no cases", "没有案件")
        }
        var table = TextTable(header: audience.language == .zhCN
            ? ["编号", "状态", "期限", "优先级", "类别", "区域", "主办", "任务", "标题"]
            : ["id", "state", "deadline", "priority", "category", "area", "lead", "task", "title"])
        table.maxCellWidth = 64  // a missed clock with its time and offset, and the next one
        for item in cases {
            let task = item.task_role.map { "\($0) \(item.task_state ?? "")" } ?? ""
            table.add([String(item.id), item.state.rawValue, deadline(item, for: audience, now: now), item.priority, item.category,
                       item.area, item.lead_department ?? suggested(suggestions[item.id], for: audience), task, item.title])
        }
        var text = table.render()
        if let total, total > cases.count {
            let first = (page - 1) * cases.count + 1
            let shown = page == 1 ? "\(cases.count)" : "\(first)–\(first + cases.count - 1)"
            // The count stops past CaseworkStore.countCap: "more than 10,000".
            let cap = Presentation.grouped(CaseworkStore.countCap)
            let all = total > CaseworkStore.countCap ? say("more than \(cap)", "超过 \(cap)") : Presentation.grouped(total)
            text += "\n" + say("\(shown) of \(all) — more with --limit N or --page \(page + 1)",
                               "共 \(all) 件，显示 \(shown) 件 — 用 --limit N 或 --page \(page + 1) 查看更多")
        }
        return text
    }

    /// The model's suggestion for a case at the desk: "suggested: water 91.2 %"; "-" without
    /// one, or when the unit it would choose has less than 5 % (the units it knows best
    /// returned the case: it has nothing useful to say).
    static func suggested(_ suggestion: DispatchModel.Suggestion?, for audience: Audience) -> String {
        guard let suggestion, suggestion.probability >= 0.05 else { return "-" }
        let percent = RouteReport.percent(suggestion.probability)
        return audience.say("suggested: \(suggestion.unit) \(percent)", "建议：\(suggestion.unit) \(percent)")
    }

    /// The clock that matters, by name: a missed one with the time it was missed ("respond:
    /// overdue since 2026-12-01 18:00 +08:00"), else the next one relative to now.
    static func deadline(_ item: CaseSummary, for audience: Audience, now: Date) -> String {
        if item.state.isFinal || item.state == .resolved { return "-" }
        let say = audience.say
        let (respond, resolve) = (say("respond: ", "签收："), say("resolve: ", "办结："))
        var missed: [String] = []
        if item.response_overdue, let due = item.response_due {
            missed.append(respond + say("overdue since ", "超期自 ") + audience.deadline(due)
                + (item.accepted_at == nil ? "" : say(" (accepted late)", "（已逾期签收）")))
        }
        if item.resolution_overdue, let due = item.resolution_due {
            missed.append(resolve + say("overdue since ", "超期自 ") + audience.deadline(due))
        } else if item.accepted_at != nil, let due = item.resolution_due, !missed.isEmpty {
            missed.append(resolve + Presentation.relative(due: due, now: now, language: audience.language))
        }
        if !missed.isEmpty { return missed.joined(separator: "; ") }
        guard let due = item.nextDue else { return "-" }
        return (item.accepted_at == nil ? respond : resolve) + Presentation.relative(due: due, now: now, language: audience.language)
    }

    /// One case. `names`: category and area names shown beside their codes.
    static func text(_ detail: CaseDetail, names: [String: String] = [:], for audience: Audience, now: Date = Date()) -> String {
        let summary = detail.summary
        let say = audience.say
        func due(_ date: Date?, met: Bool) -> String {
            guard let date else { return "-" }
            return audience.deadline(date) + (met ? "" : " (\(Presentation.relative(due: date, now: now, language: audience.language)))")
        }
        func named(_ code: String) -> String { names[code].map { "\(code) \($0)" } ?? code }
        // Labels padded to one column: Chinese labels are two columns a character.
        func label(_ en: String, _ zh: String) -> String {
            let text = say(en, zh)
            return text + String(repeating: " ", count: max(1, 13 - TextTable.width(text)))
        }
        let resolved = summary.state == .resolved || summary.state.isFinal
        var lines = [
            say("case \(summary.id): ", "案件 \(summary.id)：") + summary.title,
            label("state", "状态") + summary.state.rawValue + (summary.overdue ? say(" (overdue)", "（超期）") : ""),
            label("priority", "优先级") + summary.priority,
            label("category", "类别") + named(summary.category),
            label("area", "区域") + named(summary.area),
            label("source", "来源") + "\(detail.source) / \(detail.external_id) " + say("by ", "渠道 ") + detail.channel,
            label("received", "受理时间") + audience.time(summary.received_at),
            label("respond by", "签收期限") + due(summary.response_due, met: summary.accepted_at != nil || resolved),
            label("resolve by", "办结期限") + due(summary.resolution_due, met: resolved),
            label("citizen", "市民") + "\(detail.citizen_name) \(detail.citizen_phone)" + (detail.contact_revealed ? "" : say(" (masked)", "（已脱敏）")),
        ]
        if let address = detail.address { lines.append(label("address", "地址") + address) }
        if let rule = detail.rule_id {
            lines.append(label("routed by", "派单规则") + say("rule \(rule) of version ", "规则 \(rule)，版本 ") + (detail.rule_version.map(String.init) ?? "?"))
        }
        if detail.return_count > 0 || detail.reopen_count > 0 {
            lines.append(label("returned", "退单") + say("\(detail.return_count) times; reopened \(detail.reopen_count) times",
                                                           "\(detail.return_count) 次；重办 \(detail.reopen_count) 次"))
        }
        if let main = detail.merged_into { lines.append(label("merged into", "已并入") + say("case \(main)", "案件 \(main)")) }
        if let reason = detail.close_reason { lines.append(label("closed as", "结案方式") + reason) }
        lines.append("")
        lines.append(detail.description)
        if let reply = detail.reply {
            lines.append("")
            lines.append(say("reply: ", "答复：") + reply)
        }
        if !detail.tasks.isEmpty {
            lines.append("")
            var table = TextTable(header: audience.language == .zhCN
                ? ["单位", "角色", "任务", "派单时间", "最终"] : ["department", "role", "task", "assigned", "final"])
            for task in detail.tasks {
                table.add([task.department, task.role, task.state, audience.time(task.assigned_at), task.final ? say("yes", "是") : ""])
            }
            lines.append(table.render())
        }
        return lines.joined(separator: "\n")
    }

    static func table(_ events: [CaseEvent], for audience: Audience) -> String {
        guard !events.isEmpty else { return audience.say("no events", "没有记录") }
        var table = TextTable(header: audience.language == .zhCN
            ? ["时间", "事件", "原状态", "新状态", "操作人", "单位", "原因"] : ["at", "event", "from", "to", "actor", "department", "reason"])
        for event in events {
            table.add([audience.time(event.at, seconds: true), event.kind + (event.public ? "" : audience.say(" (internal)", "（内部）")),
                       event.from_state?.rawValue ?? "", event.to_state?.rawValue ?? "", event.actor, event.department ?? "", event.reason ?? ""])
        }
        return table.render()
    }
}
