import Casework
import Foundation

/// Text, CSV and JSON renderings of figures.
enum StatsReport {
    static func warnBacklog(_ backlog: Int) {
        guard backlog > 0 else { return }
        FileHandle.standardError.write(Data("civicq: note: \(backlog) case(s) changed since the last rollup; the workers are catching up\n".utf8))
    }

    /// One line per unit, then the whole city's (`city`, when given). A measure that does not
    /// apply to a line prints "—" (returns are counted for departments only: an area's or a
    /// category's line has none); "-" is a rate with nothing to count yet.
    static func table(
        _ rows: [FigureRow], period: FigurePeriod, dimension: FigureUnit.Dimension, city: CityFigures? = nil, language: Language = .en
    ) -> String {
        let say = language.pick
        guard !rows.isEmpty else { return say("nothing counted in \(period)", "\(period) 没有统计数据") }
        let dimensionName = ["department": say("department", "单位"), "area": say("area", "区域"), "category": say("category", "类别")][dimension.rawValue]
            ?? dimension.rawValue
        var table = TextTable(header: language == .zhCN
            ? [dimensionName, "名称", "角色", "受理", "派单", "响应率", "办结率", "按时办结率", "解决率", "满意率", "退单率", "重办率", "回访未接通",
               "签收用时 p50/p90", "办结用时 p50/p90"]
            : [dimension.rawValue, "name", "role", "intake", "dispatched", "response", "closure", "on time", "resolution",
               "satisfaction", "returns", "reopens", "unanswered", "respond p50/p90", "resolve p50/p90"])
        table.maxCellWidth = 24
        func line(_ row: FigureRow, key: String, name: String, returns: String) -> [String] {
            let (counts, rates) = (row.counts, row.rates)
            let role = row.unit.role == .all ? "" : (language == .zhCN ? (row.unit.role == .lead ? "主办" : "协办") : row.unit.role.rawValue)
            return [
                key, name, role,
                String(counts[.intake]), String(counts[.dispatched]),
                cell(rates.response), cell(rates.closure), cell(rates.onTime), cell(rates.resolution), cell(rates.satisfaction),
                returns, cell(rates.reopen), String(counts[.unanswered]),
                "\(duration(row.respondP50))/\(duration(row.respondP90))", "\(duration(row.resolveP50))/\(duration(row.resolveP90))",
            ]
        }
        for row in rows {
            var cells = line(row, key: row.unit.key, name: row.name ?? "", returns: row.unit.dimension == .department ? cell(row.rates.returns) : "—")
            if row.unit.dimension == .department { cells[3] = "—" }  // intake is the city's, an area's, a category's
            table.add(cells)
        }
        if let city { table.add(line(city.row, key: say("city", "全市"), name: say("whole city", "全市合计"), returns: cell(city.returns))) }
        var notes = [say("- nothing to count yet", "- 暂无可计数据")]
        notes.insert(dimension == .department
            ? say("— intake is counted for areas and categories, not departments", "— 受理量按区域和类别统计，不按单位")
            : say("— returns are not counted for \(dimension.rawValue)s (a return is a department's)", "— 退单只按单位统计，不按\(dimensionName)"), at: 0)
        if city != nil, dimension == .department {
            notes.insert(say("the city line counts each case once; department lines count each department it went to",
                             "全市一行每件只计一次；单位各行按案件经过的每个单位计"), at: 0)
        }
        let heading = say("figures for \(period) (\(period.first) to \(period.last)), by \(dimension.rawValue)",
                          "\(period) 统计（\(period.first) 至 \(period.last)），按\(dimensionName)")
        return heading + "\n" + table.render() + "\n" + notes.joined(separator: say("; ", "；"))
    }

    static func table(_ rankings: [FigureRanking], period: FigurePeriod, settings: FigureSettings, language: Language = .en) -> String {
        let say = language.pick
        guard !rankings.isEmpty else { return say("nothing counted in \(period)", "\(period) 没有统计数据") }
        let ledger = settings.ledgerWeight > 0
        let formula = say("score = response × \(number(settings.responseWeight)) + resolution × \(number(settings.resolutionWeight)) + satisfaction × \(number(settings.satisfactionWeight))",
                          "得分 = 响应率 × \(number(settings.responseWeight)) + 解决率 × \(number(settings.resolutionWeight)) + 满意率 × \(number(settings.satisfactionWeight))")
            + (ledger ? say(" + ledger on time × \(number(settings.ledgerWeight))", " + 台账按期率 × \(number(settings.ledgerWeight))") : "")
            + say(" (weights scaled to 100)", "（权重折算为 100 分）")
        var out = [say("ranking for \(period): ", "\(period) 排名：") + formula]
        for ranking in rankings {
            var table = TextTable(header: (language == .zhCN
                ? ["名次", "单位", "名称", "得分", "响应率", "解决率", "满意率", "按时办结率"] + (ledger ? ["台账"] : []) + ["样本", "评价"]
                : ["rank", "department", "name", "score", "response", "resolution", "satisfaction", "on time"] + (ledger ? ["ledger"] : [])
                    + ["sample", "standing"]))
            table.maxCellWidth = 72  // the small-sample rule, in words
            for entry in ranking.entries {
                let rates = entry.row.rates
                var cells: [String] = [
                    entry.rank.map(String.init) ?? "-", entry.row.unit.key, entry.row.name ?? "",
                    entry.score.map { String(format: "%.1f", $0) } ?? "-", rates.response.percent, rates.resolution.percent,
                    rates.satisfaction.percent, rates.onTime.percent,
                ]
                if ledger { cells.append(entry.row.ledger?.percent ?? "-") }
                cells += [String(entry.row.sample), standing(entry.standing, language: language, minSample: settings.minSample)]
                table.add(cells)
            }
            out.append("\n" + say("level: ", "层级：") + ranking.level + "\n" + table.render())
        }
        return out.joined(separator: "\n")
    }

    static func text(_ result: FigureVerification) -> String {
        var lines = ["verified \(result.period): \(result.casesRead) case(s) read from the event log, \(result.keysCompared) unit-day(s) compared"]
        if result.differences.isEmpty {
            lines.append("the rollups agree with the event log")
        } else {
            lines.append("\(result.differences.count) difference(s):")
            for d in result.differences.prefix(50) {
                lines.append("  \(d.key.day) \(d.key.unit.dimension.rawValue) \(d.key.unit.key) \(d.key.unit.role.rawValue) \(d.counter): rollup \(d.rollup), events \(d.recomputed)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func csv(_ rows: [FigureRow], period: FigurePeriod) -> String {
        var lines = [(["period", "dimension", "key", "name", "role"] + FigureCounter.allCases.map(\.column)
            + ["response_rate", "closure_rate", "on_time_rate", "resolution_rate", "satisfaction_rate", "return_rate", "reopen_rate",
               "respond_p50_s", "respond_p90_s", "resolve_p50_s", "resolve_p90_s"]).joined(separator: ",")]
        for row in rows {
            let rates = [row.rates.response, row.rates.closure, row.rates.onTime, row.rates.resolution, row.rates.satisfaction,
                         row.rates.returns, row.rates.reopen].map { $0.value.map { String(format: "%.4f", $0) } ?? "" }
            let times = [row.respondP50, row.respondP90, row.resolveP50, row.resolveP90].map { $0.map { String(Int($0)) } ?? "" }
            let cells = [period.description, row.unit.dimension.rawValue, row.unit.key, row.name ?? "", row.unit.role.rawValue]
                .map(csvField) + FigureCounter.allCases.map { String(row.counts[$0]) } + rates + times
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ rows: [FigureRow], period: FigurePeriod, city: CityFigures? = nil, checkpoint: [String: Any]? = nil) -> String {
        var object: [String: Any] = ["period": periodObject(period), "rows": rows.map(object)]
        if let city {
            var line = Self.object(city.row)
            line["dimension"] = "city"
            line["key"] = "city"
            if var rates = line["rates"] as? [String: Any] {
                rates["returns"] = ["numerator": city.returns.numerator, "denominator": city.returns.denominator, "value": city.returns.value as Any]
                line["rates"] = rates
            }
            object["city"] = line
        }
        object["checkpoint"] = checkpoint ?? NSNull()
        return encode(object)
    }

    static func json(_ rankings: [FigureRanking], period: FigurePeriod, settings: FigureSettings) -> String {
        encode([
            "period": periodObject(period),
            "weights": ["response": settings.responseWeight, "resolution": settings.resolutionWeight, "satisfaction": settings.satisfactionWeight,
                        "ledger": settings.ledgerWeight],
            "levels": rankings.map { ranking -> [String: Any] in
                ["level": ranking.level, "entries": ranking.entries.map { entry -> [String: Any] in
                    var item = object(entry.row)
                    item["standing"] = entry.standing.rawValue
                    if let rank = entry.rank { item["rank"] = rank }
                    if let score = entry.score { item["score"] = (score * 10).rounded() / 10 }
                    if let ledger = entry.row.ledger {
                        item["ledger_on_time"] = ["numerator": ledger.numerator, "denominator": ledger.denominator]
                    }
                    return item
                }]
            },
        ])
    }

    static func json(_ result: FigureVerification) -> String {
        encode([
            "period": periodObject(result.period), "cases_read": result.casesRead, "unit_days_compared": result.keysCompared,
            "agree": result.differences.isEmpty,
            "differences": result.differences.map { d -> [String: Any] in
                ["day": d.key.day.description, "dimension": d.key.unit.dimension.rawValue, "key": d.key.unit.key,
                 "role": d.key.unit.role.rawValue, "counter": d.counter, "rollup": d.rollup, "events": d.recomputed]
            },
        ])
    }

    static func object(_ row: FigureRow) -> [String: Any] {
        var counts: [String: Int64] = [:]
        for counter in FigureCounter.allCases { counts[counter.column] = row.counts[counter] }
        func rate(_ rate: FigureRate) -> [String: Any] {
            var item: [String: Any] = ["numerator": rate.numerator, "denominator": rate.denominator]
            if let value = rate.value { item["value"] = value }
            return item
        }
        var item: [String: Any] = [
            "dimension": row.unit.dimension.rawValue, "key": row.unit.key, "role": row.unit.role.rawValue, "counts": counts,
            "rates": [
                "response": rate(row.rates.response), "closure": rate(row.rates.closure), "on_time": rate(row.rates.onTime),
                "resolution": rate(row.rates.resolution), "satisfaction": rate(row.rates.satisfaction),
                // Not counted for areas and categories (a return is a department's): null.
                "returns": row.unit.dimension == .department ? rate(row.rates.returns) as Any : NSNull(), "reopen": rate(row.rates.reopen),
            ],
        ]
        var times: [String: Double] = [:]
        for (name, value) in [("respond_p50", row.respondP50), ("respond_p90", row.respondP90), ("resolve_p50", row.resolveP50), ("resolve_p90", row.resolveP90)] {
            if let value { times[name] = value.rounded() }
        }
        item["seconds"] = times
        if let name = row.name { item["name"] = name }
        if let level = row.level { item["level"] = level }
        return item
    }

    static func periodObject(_ period: FigurePeriod) -> [String: String] {
        ["name": period.description, "kind": period.kind.rawValue, "first": period.first.description, "last": period.last.description]
    }

    private static func cell(_ rate: FigureRate) -> String {
        rate.value == nil ? "-" : "\(rate.percent) (\(number(rate.numerator))/\(rate.denominator))"
    }

    /// The small-sample rule in the words of what it counts (the sample is the smaller of
    /// responses due and answered callbacks).
    private static func standing(_ standing: FigureRanking.Standing, language: Language, minSample: Int64) -> String {
        switch standing {
        case .leading: language.pick("leading", "领先")
        case .lagging: language.pick("lagging (通报)", "落后（通报）")
        case .middle: ""
        case .smallSample: language.pick("not ranked: fewer than \(minSample) responses due or answered callbacks",
                                         "未排名：应签收或回访接通不足 \(minSample)")
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// 45m, 3.5h, 2.1d.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        if seconds < 3_600 { return "\(Int((seconds / 60).rounded()))m" }
        if seconds < 86_400 { return String(format: "%.1fh", seconds / 3_600) }
        return String(format: "%.1fd", seconds / 86_400)
    }

    private static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    private static func encode(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
