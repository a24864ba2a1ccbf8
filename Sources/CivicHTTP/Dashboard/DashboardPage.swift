import Casework
import Foundation
import Postgres

/// The dashboard as one HTML page with inline CSS and SVG: no script, no external asset.
/// Pure: a function of ``DashboardData``, so tests read the page without a browser.
enum DashboardPage {
    /// Departments in the rates chart: the busiest this month.
    static let chartDepartments = 12

    /// The page. `lag`: how far the standby it was read from is behind (nil: read on the primary).
    static func render(_ data: DashboardData, lag: ReplicaLag? = nil, generatedAt: Date) -> String {
        let e = SVGChart.escape
        let snapshot = data.reading.snapshot
        let open = snapshot.casesByState.values.reduce(0, +)
        let overdue = snapshot.overdueByDepartment.values.reduce(0, +)
        var html = """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="60">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>civicq — 12345 hotline dashboard</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 24px; color: #222; background: #f7f8fa; }
            h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
            .muted { color: #666; font-size: 12px; }
            .tiles { display: flex; gap: 12px; flex-wrap: wrap; }
            .tile { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 10px 16px; min-width: 130px; }
            .tile b { display: block; font-size: 26px; } .warn b { color: #b42318; }
            .grid { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
            .card { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 12px; }
            table { border-collapse: collapse; font-size: 13px; } th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #eef0f2; }
            th:first-child, td:first-child { text-align: left; } th { background: #f0f2f5; }
            .leading { color: #067647; font-weight: bold; } .lagging { color: #b42318; font-weight: bold; } .small_sample { color: #888; }
            </style></head><body>
            <h1>civicq — 12345 hotline</h1>
            <div class="muted">\(e(data.today.description)) · figures for \(e(data.month.description)) · generated \(e(Presentation.local(generatedAt, in: data.timeZone, seconds: true)))\(e(Self.source(lag, in: data.timeZone))) · refreshes every minute</div>
            <div class="tiles" style="margin-top:12px">
            \(tile("Intake today", snapshot.intakeToday))\(tile("Intake last minute", snapshot.intakeLastMinute))
            \(tile("Open cases (backlog)", open))\(tile("Overdue", overdue, warn: overdue > 0))
            \(tile("Escalations (24 h)", snapshot.escalationsLastDay, warn: snapshot.escalationsLastDay > 0))
            \(tile("Callbacks pending", snapshot.callbacksPending))\(tile("Workers alive", data.reading.workers.count, warn: data.reading.workers.isEmpty))
            \(tile("Ledger items open", (snapshot.ledgerItems["open"] ?? 0) + (snapshot.ledgerItems["requested"] ?? 0)))\(tile("Ledger overdue", snapshot.ledgerItems["overdue"] ?? 0, warn: (snapshot.ledgerItems["overdue"] ?? 0) > 0))
            </div>
            """
        let labels = data.days.map { String($0.day.description.suffix(5)) }
        let intake = data.days.map { Double($0.counts[.intake]) }
        let onTime = data.days.map { FigureRates($0.counts, basicWeight: data.settings.basicWeight).onTime.value }
        html += "<h2>Last \(data.days.count) days</h2><div class=\"card\">"
        html += SVGChart.trend(
            labels: labels, bars: .init(name: "intake", color: "#8fb3de", values: intake),
            line: .init(name: "on-time rate", color: "#d9480f", values: onTime))
        html += "</div>"

        let busiest = data.departments.sorted { a, b in
            a.counts[.dispatched] != b.counts[.dispatched] ? a.counts[.dispatched] > b.counts[.dispatched] : a.unit.key < b.unit.key
        }.prefix(chartDepartments)
        html += "<div class=\"grid\"><div><h2>Rates by department, \(e(data.month.description))</h2><div class=\"card\">"
        if busiest.isEmpty {
            html += "<p class=\"muted\">Nothing counted this month yet.</p>"
        } else {
            html += SVGChart.rates(
                labels: busiest.map { $0.name ?? $0.unit.key },
                series: [
                    .init(name: "response", color: "#1c7ed6", values: busiest.map { $0.rates.response.value }),
                    .init(name: "resolution", color: "#37b24d", values: busiest.map { $0.rates.resolution.value }),
                    .init(name: "satisfaction", color: "#f59f00", values: busiest.map { $0.rates.satisfaction.value }),
                ])
        }
        html += "</div></div><div><h2>Backlog and overdue by department</h2><div class=\"card\">" + overdueTable(data) + "</div></div></div>"
        html += "<h2>Hot spots</h2><div class=\"card\">" + hotspotTable(data) + "</div>"
        html += "<h2>Departments this month</h2><div class=\"card\">" + ratesTable(data) + "</div>"
        html += "<h2>Ranking, \(e(data.month.description))</h2><div class=\"grid\">"
        for ranking in data.rankings { html += "<div class=\"card\">" + rankingTable(ranking, settings: data.settings) + "</div>" }
        if data.rankings.isEmpty { html += "<p class=\"muted\">No department has figures this month yet.</p>" }
        return html + "</div></body></html>\n"
    }

    private static func tile(_ label: String, _ value: Int, warn: Bool = false) -> String {
        "<div class=\"tile\(warn ? " warn" : "")\"><b>\(value)</b>\(SVGChart.escape(label))</div>"
    }

    private static func overdueTable(_ data: DashboardData) -> String {
        let snapshot = data.reading.snapshot
        let rows = Set(snapshot.openByDepartment.keys).union(snapshot.overdueByDepartment.keys).map { code in
            (code: code, open: snapshot.openByDepartment[code] ?? 0, overdue: snapshot.overdueByDepartment[code] ?? 0)
        }.sorted { ($0.overdue, $0.open, $1.code) > ($1.overdue, $1.open, $0.code) }
        guard !rows.isEmpty else { return "<p class=\"muted\">No open case.</p>" }
        var html = "<table><tr><th>Department</th><th>Open</th><th>Overdue</th></tr>"
        for row in rows.prefix(15) {
            html += "<tr><td>\(SVGChart.escape(data.departmentNames[row.code] ?? row.code))</td><td>\(row.open)</td><td>\(row.overdue)</td></tr>"
        }
        if rows.count > 15 { html += "<tr><td class=\"muted\">… \(rows.count - 15) more</td><td></td><td></td></tr>" }
        return html + "</table>"
    }

    private static func hotspotTable(_ data: DashboardData) -> String {
        guard !data.hotspots.isEmpty else { return "<p class=\"muted\">No open hot spot.</p>" }
        var html = "<table><tr><th>Day</th><th>Category</th><th>Area</th><th>Level</th><th>Complaints</th><th>Expected</th></tr>"
        for spot in data.hotspots {
            html += "<tr><td>\(spot.day)</td><td>\(SVGChart.escape(spot.category))</td><td>\(SVGChart.escape(spot.area))</td>"
                + "<td>\(spot.level)</td><td>\(spot.count)</td><td>\(String(format: "%.1f", spot.expected))</td></tr>"
        }
        return html + "</table><p class=\"muted\">civicq hotspots lists them all; dismiss with a reason.</p>"
    }

    private static func ratesTable(_ data: DashboardData) -> String {
        guard !data.departments.isEmpty else { return "<p class=\"muted\">Nothing counted this month yet.</p>" }
        var html = "<table><tr><th>Department</th><th>Dispatched</th><th>Response</th><th>On time</th><th>Resolution</th><th>Satisfaction</th><th>Score</th></tr>"
        let rows = data.departments.sorted { ($0.score(data.settings) ?? -1) > ($1.score(data.settings) ?? -1) }
        for row in rows.prefix(20) {
            html += "<tr><td>\(SVGChart.escape(row.name ?? row.unit.key))</td><td>\(row.counts[.dispatched])</td>"
                + "<td>\(rate(row.rates.response))</td><td>\(rate(row.rates.onTime))</td><td>\(rate(row.rates.resolution))</td>"
                + "<td>\(rate(row.rates.satisfaction))</td><td>\(row.score(data.settings).map { String(format: "%.1f", $0) } ?? "-")</td></tr>"
        }
        if rows.count > 20 { html += "<tr><td class=\"muted\">… \(rows.count - 20) more: civicq stats</td></tr>" }
        return html + "</table>"
    }

    private static func rankingTable(_ ranking: FigureRanking, settings: FigureSettings) -> String {
        var html = "<table><tr><th>\(SVGChart.escape(ranking.level))</th><th>Rank</th><th>Score</th><th></th></tr>"
        for entry in ranking.entries where entry.standing == .leading || entry.standing == .lagging {
            html += "<tr class=\"\(entry.standing.rawValue)\"><td>\(SVGChart.escape(entry.row.name ?? entry.row.unit.key))</td>"
                + "<td>\(entry.rank.map(String.init) ?? "-")</td><td>\(entry.score.map { String(format: "%.1f", $0) } ?? "-")</td>"
                + "<td>\(entry.standing.rawValue)</td></tr>"
        }
        let middle = ranking.entries.filter { $0.standing == .middle }.count
        let small = ranking.entries.filter { $0.standing == .smallSample }.count
        if middle > 0 { html += "<tr><td class=\"muted\">\(middle) ranked in between</td><td></td><td></td><td></td></tr>" }
        if small > 0 {
            html += "<tr class=\"small_sample\"><td>\(small) with fewer than \(settings.minSample) cases: not ranked</td><td></td><td></td><td></td></tr>"
        }
        return html + "</table>"
    }

    private static func rate(_ rate: FigureRate) -> String {
        rate.value.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
    }

    /// " · read from a standby: as of …" when the page was read on a standby.
    private static func source(_ lag: ReplicaLag?, in timeZone: TimeZone) -> String {
        guard let lag, lag.isStandby else { return "" }
        return " · read from a standby: " + lag.summary(in: timeZone)
    }
}
