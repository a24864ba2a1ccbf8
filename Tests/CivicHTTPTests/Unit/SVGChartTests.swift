@testable import CivicHTTP
import Foundation
import Testing

@Suite("Dashboard charts (pure)")
struct SVGChartTests {
    @Test("axis tops are 1, 2, 2.5 or 5 times a power of ten at or above the largest value")
    func niceCeiling() {
        #expect(SVGChart.niceCeiling(0) == 4)
        #expect(SVGChart.niceCeiling(7) == 10)
        #expect(SVGChart.niceCeiling(130) == 200)
        #expect(SVGChart.niceCeiling(240) == 250)
        #expect(SVGChart.niceCeiling(380) == 500)
        #expect(SVGChart.niceCeiling(1000) == 1000)
    }

    @Test("the trend draws a bar per day with a value and a point per day with a rate; names are escaped")
    func trend() {
        let svg = SVGChart.trend(
            labels: ["11-01", "11-02", "11-03", "11-04"],
            bars: .init(name: "intake <all>", color: "#8fb3de", values: [10, 0, 30, nil]),
            line: .init(name: "on-time rate", color: "#d9480f", values: [0.5, nil, 1.0, 0.75]))
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 3 + 2, "three bars (nil is none) and two legend swatches")
        #expect(svg.components(separatedBy: "<circle").count - 1 == 3)
        #expect(svg.contains("intake &lt;all&gt;") && !svg.contains("intake <all>"))
        #expect(svg.contains("11-03: 100.0%"))
    }

    @Test("rate bars are as long as the rate, clamped to the plot; a missing rate draws nothing")
    func rates() {
        let svg = SVGChart.rates(
            labels: ["市水务局", "A&B"],
            series: [.init(name: "response", color: "#1c7ed6", values: [1.0, nil]), .init(name: "resolution", color: "#37b24d", values: [0.5, 1.7])])
        // Plot width 720 - 170 - 50 = 500: 100% is 500, 50% is 250, 170% is clamped to 500.
        #expect(svg.contains(#"width="500.0""#) && svg.contains(#"width="250.0""#))
        #expect(svg.components(separatedBy: #"width="500.0""#).count - 1 == 2)
        #expect(svg.contains("A&amp;B") && svg.contains("市水务局"))
    }
}
