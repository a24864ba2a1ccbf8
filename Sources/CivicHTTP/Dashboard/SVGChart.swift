import Foundation

/// Charts drawn on the server as inline SVG: no script, no external file, so the dashboard
/// works offline and in any browser. Pure functions of their data.
enum SVGChart {
    /// One series of a chart.
    struct Series {
        let name: String
        let color: String
        let values: [Double?]
    }

    /// Daily bars (left axis, counts) with a line over them (right axis, 0–100 %).
    static func trend(labels: [String], bars: Series, line: Series, title: String? = nil, width: Int = 720, height: Int = 240) -> String {
        let (left, right, top, bottom) = (44.0, 44.0, 24.0, 30.0)
        let plotWidth = Double(width) - left - right
        let plotHeight = Double(height) - top - bottom
        let maxBar = niceCeiling(bars.values.compactMap { $0 }.max() ?? 0)
        let step = plotWidth / Double(max(labels.count, 1))
        var svg = header(width: width, height: height, title: title ?? "\(bars.name) and \(line.name), last \(labels.count) days")
        for tick in 0...4 {
            let y = top + plotHeight - plotHeight * Double(tick) / 4
            svg += ##"<line x1="\##(f(left))" y1="\##(f(y))" x2="\##(f(left + plotWidth))" y2="\##(f(y))" stroke="#e3e6ea"/>"##
            svg += text(x: left - 6, y: y + 4, anchor: "end", String(Int(maxBar * Double(tick) / 4)))
            svg += text(x: left + plotWidth + 6, y: y + 4, anchor: "start", "\(tick * 25)%")
        }
        for (index, value) in bars.values.enumerated() {
            guard let value, maxBar > 0 else { continue }
            let barHeight = plotHeight * value / maxBar
            let x = left + step * Double(index) + step * 0.15
            svg += ##"<rect x="\##(f(x))" y="\##(f(top + plotHeight - barHeight))" width="\##(f(step * 0.7))" height="\##(f(barHeight))" fill="\##(bars.color)"><title>\##(escape(labels[index])): \##(Int(value))</title></rect>"##
        }
        var points: [String] = []
        for (index, value) in line.values.enumerated() {
            guard let value else { continue }
            let x = left + step * (Double(index) + 0.5)
            let y = top + plotHeight - plotHeight * min(max(value, 0), 1)
            points.append("\(f(x)),\(f(y))")
            svg += ##"<circle cx="\##(f(x))" cy="\##(f(y))" r="2.5" fill="\##(line.color)"><title>\##(escape(labels[index])): \##(String(format: "%.1f%%", value * 100))</title></circle>"##
        }
        if points.count > 1 {
            svg += ##"<polyline points="\##(points.joined(separator: " "))" fill="none" stroke="\##(line.color)" stroke-width="2"/>"##
        }
        for (index, label) in labels.enumerated() where index % max(1, labels.count / 6) == 0 || index == labels.count - 1 {
            svg += text(x: left + step * (Double(index) + 0.5), y: Double(height) - 10, anchor: "middle", label)
        }
        svg += legend([bars, line], x: left, y: 14)
        return svg + "</svg>"
    }

    /// Horizontal grouped bars, one group per label, each series a rate from 0 to 1.
    static func rates(labels: [String], series: [Series], title: String = "Rates by department this month", width: Int = 720) -> String {
        let (left, right, top) = (170.0, 50.0, 30.0)
        let barHeight = 7.0
        let groupHeight = barHeight * Double(series.count) + 8
        let height = Int(top + groupHeight * Double(labels.count) + 26)
        let plotWidth = Double(width) - left - right
        var svg = header(width: width, height: height, title: title)
        for tick in 0...4 {
            let x = left + plotWidth * Double(tick) / 4
            svg += ##"<line x1="\##(f(x))" y1="\##(f(top - 4))" x2="\##(f(x))" y2="\##(height - 20)" stroke="#e3e6ea"/>"##
            svg += text(x: x, y: Double(height) - 6, anchor: "middle", "\(tick * 25)%")
        }
        for (group, label) in labels.enumerated() {
            let y0 = top + groupHeight * Double(group)
            svg += text(x: left - 8, y: y0 + groupHeight / 2 + 2, anchor: "end", label)
            for (index, item) in series.enumerated() {
                guard group < item.values.count, let value = item.values[group] else { continue }
                let y = y0 + barHeight * Double(index)
                svg += ##"<rect x="\##(f(left))" y="\##(f(y))" width="\##(f(plotWidth * min(max(value, 0), 1)))" height="\##(f(barHeight - 1))" fill="\##(item.color)"><title>\##(escape(label)) \##(escape(item.name)): \##(String(format: "%.1f%%", value * 100))</title></rect>"##
            }
        }
        svg += legend(series, x: left, y: 14)
        return svg + "</svg>"
    }

    /// Horizontal stacked bars, one per label: each series a count, laid end to end.
    static func stacked(labels: [String], series: [Series], title: String, width: Int = 720) -> String {
        let (left, right, top) = (170.0, 50.0, 30.0)
        let barHeight = 14.0
        let height = Int(top + (barHeight + 6) * Double(labels.count) + 26)
        let plotWidth = Double(width) - left - right
        let totals = labels.indices.map { index in series.reduce(0.0) { $0 + ((index < $1.values.count ? $1.values[index] : nil) ?? 0) } }
        let maxTotal = niceCeiling(totals.max() ?? 0)
        var svg = header(width: width, height: height, title: title)
        for tick in 0...4 {
            let x = left + plotWidth * Double(tick) / 4
            svg += ##"<line x1="\##(f(x))" y1="\##(f(top - 4))" x2="\##(f(x))" y2="\##(height - 20)" stroke="#e3e6ea"/>"##
            svg += text(x: x, y: Double(height) - 6, anchor: "middle", String(Int(maxTotal * Double(tick) / 4)))
        }
        for (row, label) in labels.enumerated() {
            let y = top + (barHeight + 6) * Double(row)
            svg += text(x: left - 8, y: y + barHeight - 3, anchor: "end", label)
            var x = left
            for item in series {
                guard row < item.values.count, let value = item.values[row], value > 0 else { continue }
                let width = plotWidth * value / maxTotal
                svg += ##"<rect x="\##(f(x))" y="\##(f(y))" width="\##(f(width))" height="\##(f(barHeight))" fill="\##(item.color)"><title>\##(escape(label)) \##(escape(item.name)): \##(Int(value))</title></rect>"##
                x += width
            }
        }
        svg += legend(series, x: left, y: 14)
        return svg + "</svg>"
    }

    private static func header(width: Int, height: Int, title: String) -> String {
        ##"<svg xmlns="http://www.w3.org/2000/svg" role="img" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" font-family="sans-serif" font-size="11"><title>\##(escape(title))</title>"##
    }

    private static func legend(_ series: [Series], x: Double, y: Double) -> String {
        var svg = ""
        var offset = x
        for item in series {
            svg += ##"<rect x="\##(f(offset))" y="\##(f(y - 9))" width="10" height="10" fill="\##(item.color)"/>"##
            svg += text(x: offset + 14, y: y, anchor: "start", item.name)
            // 11 px text: about 6.5 px a Latin letter, 11 px a CJK character.
            let width = item.name.unicodeScalars.reduce(0.0) { $0 + ($1.value >= 0x2E80 ? 11 : 6.5) }
            offset += 24 + width
        }
        return svg
    }

    private static func text(x: Double, y: Double, anchor: String, _ content: String) -> String {
        ##"<text x="\##(f(x))" y="\##(f(y))" text-anchor="\##(anchor)" fill="#333">\##(escape(content))</text>"##
    }

    /// 1, 2, 5 × a power of ten at or above `value` (at least 4, so the axis has whole ticks).
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 4 else { return 4 }
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Text for HTML and SVG content and attributes.
    static func escape(_ text: String) -> String { MarkupText.escaped(text) }
}
