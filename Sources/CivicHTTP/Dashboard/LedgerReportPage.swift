public import Casework
public import Foundation

/// The ledger report (每旬交账) as a printable HTML page: the table with every count, the
/// rates with their numerators and denominators, and two charts (inline SVG, no script).
/// Pure: a function of the report, for `civicq ledger report --html`.
public enum LedgerReportPage {
    /// The page in `audience`'s language, its times in its time zone.
    public static func render(_ report: LedgerReport, audience: Audience, generatedAt: Date) -> String {
        let e = SVGChart.escape
        let say = audience.say
        let local = { (date: Date) in e(audience.time(date)) }
        let rows = report.rows
        let labels = rows.map { row in row.name.map { "\($0) (\(row.unit))" } ?? row.unit }
        let headers = (audience.language == .zhCN
            ? ["单位", "期初在办", "新增", "到期", "按期销号", "逾期销号", "超期未销号", "结转", "销号率", "按期销号率"]
            : ["unit", "open at start", "new", "due", "closed out on time", "closed out late", "overdue, still open", "carried over",
               "close-out rate", "on-time rate"]).map { "<th>\(e($0))</th>" }.joined()
        var html = """
            <!doctype html>
            <html lang="\(audience.language.rawValue)"><head><meta charset="utf-8">
            <title>\(e(say("Ledger report", "台账交账"))) \(e(report.period)) — civicq</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
            .muted { color: #666; font-size: 12px; }
            table { border-collapse: collapse; font-size: 13px; } th, td { padding: 3px 10px; text-align: right; border: 1px solid #dde1e6; }
            th:first-child, td:first-child { text-align: left; } th { background: #f0f2f5; } tr.total td { font-weight: bold; }
            .late { color: #b42318; }
            @media print { body { margin: 0; } h2 { break-before: auto; } svg { max-width: 100%; } }
            </style></head><body>
            <h1>\(e(say("Problem ledger report", "问题台账交账"))) — \(e(report.period))</h1>
            <div class="muted">\(e(say("from", "自"))) \(local(report.start)) \(e(say("to", "至"))) \(local(report.end)) · \
            \(e(say("generated", "生成于"))) \(local(generatedAt)) · \
            \(e(say("items by lead unit · rates with numerator / denominator", "按牵头单位统计 · 比率附分子/分母")))</div>
            <h2>\(e(say("Per unit", "各单位")))</h2>
            <table><tr>\(headers)</tr>

            """
        for (index, (row, label)) in zip(rows + [report.total], labels + [say("total", "合计")]).enumerated() {
            let rate = { (rate: FigureRate) in "\(rate.percent) <span class=\"muted\">\(Int(rate.numerator))/\(rate.denominator)</span>" }
            html += "<tr\(index == rows.count ? " class=\"total\"" : "")><td>\(e(label))</td>"
            for count in [row.openAtStart, row.new, row.due, row.closedOnTime] { html += "<td>\(count)</td>" }
            html += "<td\(row.closedLate > 0 ? " class=\"late\"" : "")>\(row.closedLate)</td>"
            html += "<td\(row.overdueOpen > 0 ? " class=\"late\"" : "")>\(row.overdueOpen)</td><td>\(row.carriedOver)</td>"
            html += "<td>\(rate(row.closeOutRate))</td><td>\(rate(row.onTimeRate))</td></tr>\n"
        }
        html += "</table>\n"
        if rows.isEmpty {
            html += "<p>\(e(say("No ledger items in this period.", "本期没有台账事项。")))</p>\n"
        } else {
            html += "<h2>\(e(say("Items by outcome", "事项办理结果")))</h2>\n"
            html += SVGChart.stacked(labels: labels, series: [
                SVGChart.Series(name: say("closed out on time", "按期销号"), color: "#12b76a", values: rows.map { Double($0.closedOnTime) }),
                SVGChart.Series(name: say("closed out late", "逾期销号"), color: "#f79009", values: rows.map { Double($0.closedLate) }),
                SVGChart.Series(name: say("overdue, still open", "超期未销号"), color: "#d92d20", values: rows.map { Double($0.overdueOpen) }),
                SVGChart.Series(name: say("open, not yet due", "未到期"), color: "#98a2b3", values: rows.map { Double($0.carriedOver - $0.overdueOpen) }),
            ], title: say("Ledger items by outcome, \(report.period)", "\(report.period) 台账事项办理结果"))
            html += "\n<h2>\(e(say("Rates", "比率")))</h2>\n"
            html += SVGChart.rates(labels: labels, series: [
                SVGChart.Series(name: say("close-out rate", "销号率"), color: "#2e90fa", values: rows.map(\.closeOutRate.value)),
                SVGChart.Series(name: say("on-time rate", "按期销号率"), color: "#12b76a", values: rows.map(\.onTimeRate.value)),
            ], title: say("Close-out and on-time rates, \(report.period)", "\(report.period) 销号率与按期销号率"))
        }
        html += """

            <p class="muted">\(e(say(
                "Close-out rate = closed out in the period / (open at the start + new). "
                    + "On-time rate = items due in the period closed out by their deadline / items due in the period. "
                    + "Overdue: the deadline (the end of its working day) passed before close-out.",
                "销号率 = 本期销号数 / (期初在办 + 本期新增)。按期销号率 = 本期到期并按期销号的事项 / 本期到期事项。"
                    + "超期：销号前已过期限（期限日工作日结束）。")))</p>
            </body></html>

            """
        return html
    }
}
