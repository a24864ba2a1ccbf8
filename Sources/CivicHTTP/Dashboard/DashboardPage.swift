import Casework
import Foundation
import Postgres

/// The dashboard as one HTML page with inline CSS and SVG: no script, no external asset.
/// Pure: a function of ``DashboardData``, so tests read the page without a browser (and
/// render it in one: `DashboardBrowserTests`).
///
/// Made for a director's ten seconds, top to bottom: the tiles, then what needs attention
/// (departments ordered by overdue cases, then by score, worst first), the overdue cases
/// themselves, then the trend, the ranking, hot spots and rates. It is written in the
/// installation's language (`?lang=` overrides) and fits 1366×768 and a phone's width.
enum DashboardPage {
    /// Departments in the rates chart: the busiest this month.
    static let chartDepartments = 12
    /// Departments in the attention table.
    static let attentionRows = 15

    /// The page. `lag`: how far the standby it was read from is behind (nil: read on the primary).
    static func render(_ data: DashboardData, lag: ReplicaLag? = nil, generatedAt: Date) -> String {
        let e = SVGChart.escape
        let say = data.audience.say
        let snapshot = data.reading.snapshot
        let open = snapshot.casesByState.values.reduce(0, +)
        let overdue = snapshot.overdueByDepartment.values.reduce(0, +)
        let ledgerOverdue = snapshot.ledgerItems["overdue"] ?? 0
        var html = """
            <!doctype html>
            <html lang="\(data.audience.language.rawValue)"><head><meta charset="utf-8"><meta http-equiv="refresh" content="60">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(say("civicq — 12345 hotline dashboard", "civicq — 12345 热线运行看板")))</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 16px 24px; color: #222; background: #f7f8fa; }
            h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 20px 0 8px; }
            .muted { color: #666; font-size: 12px; }
            .tiles { display: flex; gap: 10px; flex-wrap: wrap; }
            .tile { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 8px 14px; min-width: 120px; flex: 0 1 auto; }
            .tile b { display: block; font-size: 26px; } .warn b { color: #b42318; } .warn { border-color: #f3b5ae; }
            .grid { display: flex; gap: 20px; flex-wrap: wrap; align-items: flex-start; }
            .grid > div { min-width: 0; max-width: 100%; }
            .card { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 10px; overflow-x: auto; max-width: 100%; box-sizing: border-box; }
            table { border-collapse: collapse; font-size: 13px; } th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #eef0f2; white-space: nowrap; }
            th:first-child, td:first-child { text-align: left; } th { background: #f0f2f5; }
            td.bad { color: #b42318; font-weight: bold; }
            .leading { color: #067647; font-weight: bold; } .lagging { color: #b42318; font-weight: bold; }
            svg { max-width: 100%; height: auto; }
            @media (max-width: 600px) {
              body { margin: 8px; } .tile { min-width: 0; flex: 1 1 40%; padding: 6px 10px; } .tile b { font-size: 20px; }
              th, td { padding: 3px 6px; }
            }
            </style></head><body>
            <h1>\(e(say("12345 hotline — at a glance", "12345 热线 — 运行概况")))</h1>
            <div class="muted">\(e(say("today", "今天"))) \(e(data.today.description)) · \(e(say("figures for", "统计期"))) \(e(data.month.description)) · \
            \(e(say("generated", "生成于"))) \(e(data.audience.time(generatedAt, seconds: true)))\(e(Self.source(lag, data.audience))) · \
            \(e(say("refreshes every minute", "每分钟刷新")))</div>
            <div class="tiles" style="margin-top:10px">
            \(tile(say("Overdue cases", "超期案件"), overdue, warn: overdue > 0))\(tile(say("Open cases", "在办案件"), open))
            \(tile(say("Intake today", "今日受理"), snapshot.intakeToday))\(tile(say("Escalations (24 h)", "督办（24 小时）"), snapshot.escalationsLastDay, warn: snapshot.escalationsLastDay > 0))
            \(tile(say("Callbacks pending", "待回访"), snapshot.callbacksPending))\(tile(say("Ledger items overdue", "台账超期"), ledgerOverdue, warn: ledgerOverdue > 0))
            \(tile(say("Workers running", "运行中的处理进程"), data.reading.workers.count, warn: data.reading.workers.isEmpty))
            </div>
            <div class="grid">
            <div><h2>\(e(say("Needs attention", "需要关注的单位")))</h2><div class="card">\(attentionTable(data))</div></div>
            <div><h2>\(e(say("Overdue cases", "超期案件")))</h2><div class="card">\(overdueList(data))</div></div>
            </div>
            """
        let labels = data.days.map { String($0.day.description.suffix(5)) }
        let intake = data.days.map { Double($0.counts[.intake]) }
        let onTime = data.days.map { FigureRates($0.counts, basicWeight: data.settings.basicWeight).onTime.value }
        html += "<h2>\(e(say("Last \(data.days.count) days", "近 \(data.days.count) 天")))</h2><div class=\"card\">"
        html += SVGChart.trend(
            labels: labels, bars: .init(name: say("intake", "受理量"), color: "#8fb3de", values: intake),
            line: .init(name: say("on-time rate", "按时办结率"), color: "#d9480f", values: onTime),
            title: say("intake and on-time rate, last \(labels.count) days", "近 \(labels.count) 天受理量与按时办结率"))
        html += "</div>"
        html += "<h2>\(e(say("Ranking, \(data.month.description)", "\(data.month.description) 排名")))</h2><div class=\"grid\">"
        for ranking in data.rankings { html += "<div class=\"card\">" + rankingTable(ranking, data: data) + "</div>" }
        if data.rankings.isEmpty { html += "<p class=\"muted\">\(e(say("No department has figures this month yet.", "本月尚无单位的统计数据。")))</p>" }
        html += "</div><div class=\"grid\"><div><h2>\(e(say("Hot spots", "热点")))</h2><div class=\"card\">" + hotspotTable(data) + "</div></div>"
        let busiest = data.departments.sorted { a, b in
            a.counts[.dispatched] != b.counts[.dispatched] ? a.counts[.dispatched] > b.counts[.dispatched] : a.unit.key < b.unit.key
        }.prefix(chartDepartments)
        html += "<div><h2>\(e(say("Rates of the busiest departments", "受理最多单位的各项比率")))</h2><div class=\"card\">"
        if busiest.isEmpty {
            html += "<p class=\"muted\">\(e(say("Nothing counted this month yet.", "本月尚无统计。")))</p>"
        } else {
            html += SVGChart.rates(
                labels: busiest.map { $0.name ?? $0.unit.key },
                series: [
                    .init(name: say("response", "响应率"), color: "#1c7ed6", values: busiest.map { $0.rates.response.value }),
                    .init(name: say("resolution", "解决率"), color: "#37b24d", values: busiest.map { $0.rates.resolution.value }),
                    .init(name: say("satisfaction", "满意率"), color: "#f59f00", values: busiest.map { $0.rates.satisfaction.value }),
                ], title: say("Rates by department this month", "本月各单位比率"))
        }
        return html + "</div></div></div></body></html>\n"
    }

    private static func tile(_ label: String, _ value: Int, warn: Bool = false) -> String {
        "<div class=\"tile\(warn ? " warn" : "")\"><b>\(value)</b>\(SVGChart.escape(label))</div>"
    }

    /// One line per department with open cases or figures: overdue first, then the lower score,
    /// then the larger backlog. A department without a score (too few cases) sorts after those
    /// with one at the same overdue count.
    static func attention(_ data: DashboardData) -> [(code: String, open: Int, overdue: Int, row: FigureRow?)] {
        let snapshot = data.reading.snapshot
        let rows = Dictionary(data.departments.map { ($0.unit.key, $0) }, uniquingKeysWith: { first, _ in first })
        let codes = Set(snapshot.openByDepartment.keys).union(snapshot.overdueByDepartment.keys).union(rows.keys)
        return codes.map { code in
            (code: code, open: snapshot.openByDepartment[code] ?? 0, overdue: snapshot.overdueByDepartment[code] ?? 0, row: rows[code])
        }.sorted { a, b in
            if a.overdue != b.overdue { return a.overdue > b.overdue }
            let (sa, sb) = (a.row?.score(data.settings) ?? .infinity, b.row?.score(data.settings) ?? .infinity)
            if sa != sb { return sa < sb }
            if a.open != b.open { return a.open > b.open }
            return a.code < b.code
        }
    }

    private static func attentionTable(_ data: DashboardData) -> String {
        let say = data.audience.say
        let lines = attention(data)
        guard !lines.isEmpty else { return "<p class=\"muted\">\(SVGChart.escape(say("No open case.", "没有在办案件。")))</p>" }
        var html = "<table><tr>" + [say("Department", "单位"), say("Overdue", "超期"), say("Open", "在办"), say("Score", "得分"),
                                   say("On time", "按时办结"), say("Satisfaction", "满意率")]
            .map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr>"
        for line in lines.prefix(attentionRows) {
            // Cases with no lead department yet are the dispatch desk's (the snapshot's "none").
            let name = line.code == "none" ? say("dispatch desk (not yet dispatched)", "派单台（尚未派单）") : data.departmentNames[line.code] ?? line.code
            html += "<tr><td>\(SVGChart.escape(name))</td><td\(line.overdue > 0 ? " class=\"bad\"" : "")>\(line.overdue)</td><td>\(line.open)</td>"
                + "<td>\(line.row?.score(data.settings).map { String(format: "%.1f", $0) } ?? "—")</td>"
                + "<td>\(line.row.map { rate($0.rates.onTime) } ?? "—")</td><td>\(line.row.map { rate($0.rates.satisfaction) } ?? "—")</td></tr>"
        }
        if lines.count > attentionRows {
            html += "<tr><td class=\"muted\">\(SVGChart.escape(say("… \(lines.count - attentionRows) more: civicq stats", "… 另有 \(lines.count - attentionRows) 个：civicq stats")))</td></tr>"
        }
        return html + "</table>"
    }

    private static func overdueList(_ data: DashboardData) -> String {
        let say = data.audience.say
        guard !data.overdueCases.isEmpty else { return "<p class=\"muted\">\(SVGChart.escape(say("No case is overdue.", "没有超期案件。")))</p>" }
        var html = "<table><tr>" + [say("Case", "案件"), say("Department", "单位"), say("Clock", "时限"), say("Overdue since", "超期自")]
            .map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr>"
        for item in data.overdueCases {
            let department = item.department.map { data.departmentNames[$0] ?? $0 } ?? say("dispatch desk", "派单台")
            let clock = item.clock == .response ? say("response", "签收") : say("resolution", "办结")
            html += "<tr><td>\(item.id)</td><td>\(SVGChart.escape(department))</td><td>\(SVGChart.escape(clock))</td>"
                + "<td>\(SVGChart.escape(item.since.map(data.audience.deadline) ?? "—"))</td></tr>"
        }
        if data.overdueTotal > data.overdueCases.count {
            let more = data.overdueTotal - data.overdueCases.count
            html += "<tr><td colspan=\"4\" class=\"muted\">\(SVGChart.escape(say("… \(more) more: civicq case list --overdue --department all", "… 另有 \(more) 件：civicq case list --overdue --department all")))</td></tr>"
        }
        return html + "</table>"
    }

    private static func hotspotTable(_ data: DashboardData) -> String {
        let say = data.audience.say
        guard !data.hotspots.isEmpty else { return "<p class=\"muted\">\(SVGChart.escape(say("No open hot spot.", "没有未处理的热点。")))</p>" }
        var html = "<table><tr>" + [say("Day", "日期"), say("Category", "类别"), say("Area", "区域"), say("Complaints", "诉求数"), say("Expected", "预期")]
            .map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr>"
        for spot in data.hotspots {
            let category = data.categoryNames[spot.category].map { "\(spot.category) \($0)" } ?? spot.category
            let area = data.areaNames[spot.area].map { "\(spot.area) \($0)" } ?? spot.area
            html += "<tr><td>\(spot.day)</td><td>\(SVGChart.escape(category))</td><td>\(SVGChart.escape(area))</td>"
                + "<td>\(spot.count)</td><td>\(String(format: "%.1f", spot.expected))</td></tr>"
        }
        return html + "</table><p class=\"muted\">\(SVGChart.escape(say("civicq hotspots lists them all; dismiss with a reason.", "civicq hotspots 列出全部；忽略时须说明理由。")))</p>"
    }

    /// A level's ranking in words that cannot contradict: leading and lagging are named only
    /// when enough departments are ranked for both (FigureRanking), and the departments not
    /// ranked are counted in the words of what they lack.
    private static func rankingTable(_ ranking: FigureRanking, data: DashboardData) -> String {
        let say = data.audience.say
        let e = SVGChart.escape
        let ranked = ranking.entries.filter { $0.rank != nil }
        let level = ["city": say("city level", "市级单位"), "district": say("district level", "区级单位"), "street": say("street level", "街道")][ranking.level]
        var html = "<table><tr><th>\(e(level ?? ranking.level))</th><th>\(e(say("Rank", "名次")))</th><th>\(e(say("Score", "得分")))</th><th></th></tr>"
        for entry in ranking.entries where entry.standing == .leading || entry.standing == .lagging {
            let standing = entry.standing == .leading ? say("leading", "领先") : say("lagging", "落后（通报）")
            html += "<tr class=\"\(entry.standing.rawValue)\"><td>\(e(entry.row.name ?? entry.row.unit.key))</td>"
                + "<td>\(entry.rank.map { "\($0) / \(ranked.count)" } ?? "—")</td><td>\(entry.score.map { String(format: "%.1f", $0) } ?? "—")</td>"
                + "<td>\(e(standing))</td></tr>"
        }
        let named = ranking.entries.filter { $0.standing == .leading || $0.standing == .lagging }.count
        if named == 0, !ranked.isEmpty {
            html += "<tr><td colspan=\"4\" class=\"muted\">\(e(say("\(ranked.count) ranked: too few to name any leading or lagging", "仅 \(ranked.count) 个单位参与排名：不评领先或落后")))</td></tr>"
        } else if ranked.count > named {
            html += "<tr><td colspan=\"4\" class=\"muted\">\(e(say("\(ranked.count - named) ranked in between", "另有 \(ranked.count - named) 个单位名次居中")))</td></tr>"
        }
        let small = ranking.entries.filter { $0.standing == .smallSample }.count
        if small > 0 {
            let n = data.settings.minSample
            html += "<tr><td colspan=\"4\" class=\"muted\">\(e(say("\(small) not ranked: fewer than \(n) responses due or fewer than \(n) answered callbacks this month", "\(small) 个单位未参与排名：本月应签收不足 \(n) 件或回访接通不足 \(n) 次")))</td></tr>"
        }
        return html + "</table>"
    }

    private static func rate(_ rate: FigureRate) -> String {
        rate.value.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
    }

    /// " · read from a standby: as of …" when the page was read on a standby.
    private static func source(_ lag: ReplicaLag?, _ audience: Audience) -> String {
        guard let lag, lag.isStandby else { return "" }
        return audience.say(" · read from a standby: ", " · 读自备库：") + lag.summary(in: audience.timeZone, language: audience.language)
    }
}
