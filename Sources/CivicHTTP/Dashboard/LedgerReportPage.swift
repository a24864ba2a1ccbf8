public import Casework
public import Foundation

/// The ledger report (每旬交账) as a printable HTML page: the table with every count, the
/// rates with their numerators and denominators, and two charts (inline SVG, no script).
/// Pure: a function of the report, for `civicq ledger report --html`.
public enum LedgerReportPage {
    public static func render(_ report: LedgerReport, timeZone: TimeZone, generatedAt: Date) -> String {
        let e = SVGChart.escape
        let local = { (date: Date) in e(Presentation.local(date, in: timeZone)) }
        let rows = report.rows
        let labels = rows.map { row in row.name.map { "\($0) (\(row.unit))" } ?? row.unit }
        var html = """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            <title>台账交账 \(e(report.period)) — civicq</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
            .muted { color: #666; font-size: 12px; }
            table { border-collapse: collapse; font-size: 13px; } th, td { padding: 3px 10px; text-align: right; border: 1px solid #dde1e6; }
            th:first-child, td:first-child { text-align: left; } th { background: #f0f2f5; } tr.total td { font-weight: bold; }
            .late { color: #b42318; }
            @media print { body { margin: 0; } h2 { break-before: auto; } svg { max-width: 100%; } }
            </style></head><body>
            <h1>Problem ledger report (问题台账交账) — \(e(report.period))</h1>
            <div class="muted">from \(local(report.start)) to \(local(report.end)) · generated \(local(generatedAt)) · \
            items by lead unit · rates with numerator / denominator</div>
            <h2>Per unit</h2>
            <table><tr><th>unit</th><th>open at start</th><th>new</th><th>due</th><th>closed out on time</th>\
            <th>closed out late</th><th>overdue, still open</th><th>carried over</th><th>close-out rate</th><th>on-time rate</th></tr>

            """
        for (index, (row, label)) in zip(rows + [report.total], labels + ["total"]).enumerated() {
            let rate = { (rate: FigureRate) in "\(rate.percent) <span class=\"muted\">\(Int(rate.numerator))/\(rate.denominator)</span>" }
            html += "<tr\(index == rows.count ? " class=\"total\"" : "")><td>\(e(label))</td>"
            for count in [row.openAtStart, row.new, row.due, row.closedOnTime] { html += "<td>\(count)</td>" }
            html += "<td\(row.closedLate > 0 ? " class=\"late\"" : "")>\(row.closedLate)</td>"
            html += "<td\(row.overdueOpen > 0 ? " class=\"late\"" : "")>\(row.overdueOpen)</td><td>\(row.carriedOver)</td>"
            html += "<td>\(rate(row.closeOutRate))</td><td>\(rate(row.onTimeRate))</td></tr>\n"
        }
        html += "</table>\n"
        if rows.isEmpty {
            html += "<p>No ledger items in this period.</p>\n"
        } else {
            html += "<h2>Items by outcome</h2>\n"
            html += SVGChart.stacked(labels: labels, series: [
                SVGChart.Series(name: "closed out on time", color: "#12b76a", values: rows.map { Double($0.closedOnTime) }),
                SVGChart.Series(name: "closed out late", color: "#f79009", values: rows.map { Double($0.closedLate) }),
                SVGChart.Series(name: "overdue, still open", color: "#d92d20", values: rows.map { Double($0.overdueOpen) }),
                SVGChart.Series(name: "open, not yet due", color: "#98a2b3", values: rows.map { Double($0.carriedOver - $0.overdueOpen) }),
            ], title: "Ledger items by outcome, \(report.period)")
            html += "\n<h2>Rates</h2>\n"
            html += SVGChart.rates(labels: labels, series: [
                SVGChart.Series(name: "close-out rate", color: "#2e90fa", values: rows.map(\.closeOutRate.value)),
                SVGChart.Series(name: "on-time rate", color: "#12b76a", values: rows.map(\.onTimeRate.value)),
            ], title: "Close-out and on-time rates, \(report.period)")
        }
        html += """

            <p class="muted">Close-out rate = closed out in the period / (open at the start + new). \
            On-time rate = items due in the period closed out by their deadline / items due in the period. \
            Overdue: the deadline (the end of its working day) passed before close-out.</p>
            </body></html>

            """
        return html
    }
}
