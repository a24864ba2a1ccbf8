import Casework
import CivicHTTP
import Foundation
import HTTPTypes
import Postgres
import TestSupport
import Testing

/// The dashboard as a director sees it: rendered by headless Chromium at 1366×768 and at a
/// phone's width, its visible text and layout read back from the browser (not the HTML).
@Suite("/dashboard in a real browser (PostgreSQL, Chromium)")
struct DashboardBrowserTests {
    /// What the browser measured in the page.
    struct Measure: Decodable {
        struct Box: Decodable { let text: String; let top: Double; let right: Double }
        let width: Double
        let scrollWidth: Double
        let text: String
        let headings: [Box]
        let tiles: [Box]
        let red: [String]
    }

    @Test("in Chinese by default, ordered by what needs attention, overdue cases listed, no contradiction, readable at 1366×768 and 390 px")
    func readableInTenSeconds() async throws {
        let browser = try #require(Self.chromium, "Chromium is needed (scripts/test installs Debian's chromium)")
        try await IntakeFixture.run { fixture in
            let office = try await fixture.client.withConnection { connection in
                try connection.execute("INSERT INTO settings (key, value) VALUES ('reporting.language', '\"zh-CN\"')")
                return try fixture.keys.create(source: "office", label: nil, scopes: [.dashboardRead], ratePerSecond: 100, burst: 100, on: connection).key.text
            }
            for n in 1...3 {
                #expect(try await fixture.send(.post, "/v1/cases", key: fixture.key, json: IntakeFixture.complaint("B-\(n)")).status == .created)
            }
            // Case 1 overdue on its response clock at ja; case 2 on its resolution clock at jh.
            let ids = try await fixture.client.withConnection { connection in
                try connection.executeScript(
                    """
                    UPDATE cases SET state = 'dispatched', lead_department = 'ja', response_due = now() - interval '2 days', response_overdue = true
                    WHERE external_id = 'B-1';
                    UPDATE cases SET state = 'accepted', lead_department = 'jh', accepted_at = now(), resolution_due = now() - interval '1 day',
                                     resolution_overdue = true WHERE external_id = 'B-2';
                    UPDATE cases SET state = 'dispatched', lead_department = 'water' WHERE external_id = 'B-3';
                    """)
                _ = try fixture.store.rollUpFigures(on: connection)
                return try connection.query("SELECT id FROM cases ORDER BY external_id").map { try $0.decode(Int64.self) }
            }
            let page = try await fixture.send(.get, "/dashboard?key=\(office)")
            #expect(page.status == .ok)
            for (width, height) in [(1366, 768), (390, 844)] {
                let seen = try await Self.measure(page.text, width: width, height: height, browser: browser)
                #expect(seen.width == Double(width))
                #expect(seen.scrollWidth <= seen.width, "the page scrolls sideways at \(width) px")
                #expect(seen.tiles.allSatisfy { $0.right <= seen.width + 0.5 }, "a tile is cut at \(width) px")
                #expect(seen.headings.allSatisfy { $0.right <= seen.width + 0.5 })
                for words in ["12345 热线", "超期案件", "需要关注的单位", "江岸区人民政府", "签收", "办结"] {
                    #expect(seen.text.contains(words), "\(words) is not visible at \(width) px")
                }
                // The overdue cases, by id, with the clock and since when (local, with offset).
                #expect(seen.text.contains("\(ids[0])\t江岸区人民政府\t签收\t"), "\(seen.text)")
                #expect(seen.text.contains("+08:00"))
                // Nothing named leading or lagging: no department has enough to rank.
                #expect(!seen.text.contains("落后") && !seen.text.contains("领先"))
                #expect(!seen.text.contains("lagging") && !seen.text.contains("Intake today"))
                // Red marks what is late: the overdue tile (two cases) and only overdue counts above zero.
                #expect(seen.red.contains { $0.hasPrefix("2\n") && $0.hasSuffix("超期案件") }, "\(seen.red)")
                #expect(seen.red.compactMap { Int($0) }.allSatisfy { $0 > 0 } && seen.red.contains("1"))
                // The attention table: the two overdue departments first.
                let attention = seen.text.components(separatedBy: "需要关注的单位").dropFirst().first ?? ""
                let order = ["江岸区人民政府", "江汉区人民政府", "市水务局"].map { attention.range(of: $0)?.lowerBound }
                #expect(order.allSatisfy { $0 != nil } && order[0]! < order[2]! && order[1]! < order[2]!, "\(attention.prefix(200))")
                if width == 1366 {
                    // The first screen holds the tiles and what needs attention.
                    #expect(seen.tiles.allSatisfy { $0.top < Double(height) })
                    let heads = seen.headings.filter { ["需要关注的单位", "超期案件"].contains($0.text) }
                    #expect(heads.count == 2 && heads.allSatisfy { $0.top < Double(height) - 100 })
                }
            }
            // In English when asked.
            let english = try await fixture.send(.get, "/dashboard?key=\(office)&lang=en")
            let seen = try await Self.measure(english.text, width: 1366, height: 768, browser: browser)
            #expect(seen.text.contains("Needs attention") && seen.text.contains("Overdue since") && !seen.text.contains("需要关注"))
            #expect(try await fixture.send(.get, "/dashboard?key=\(office)&lang=fr").status == .badRequest)
        }
    }

    static var chromium: URL? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].map(URL.init(fileURLWithPath:))
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Renders `html` in an iframe of `width`×`height` (Chromium's headless window is at least
    /// 500 px wide; an iframe is any width) and reads back what a script measured in it.
    static func measure(_ html: String, width: Int, height: Int, browser: URL) async throws -> Measure {
        let escaped = html.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
        let wrapper = """
            <!doctype html><html><body style="margin:0">
            <iframe id="page" style="width:\(width)px;height:\(height)px;border:0" srcdoc="\(escaped)"></iframe>
            <script>
            document.getElementById('page').addEventListener('load', () => {
              const w = document.getElementById('page').contentWindow, d = w.document;
              const box = e => { const b = e.getBoundingClientRect(); return {text: e.innerText, top: b.top, right: b.right}; };
              const r = {width: w.innerWidth, scrollWidth: d.documentElement.scrollWidth, text: d.body.innerText,
                headings: [...d.querySelectorAll('h1,h2')].map(box), tiles: [...d.querySelectorAll('.tile')].map(box),
                red: [...d.querySelectorAll('.lagging,.bad,.warn')].map(e => e.innerText)};
              const pre = document.createElement('pre'); pre.id = 'measure'; pre.textContent = JSON.stringify(r);
              document.body.appendChild(pre);
            });
            </script></body></html>
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-dashboard-\(UUID().uuidString).html")
        try wrapper.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("civicq-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let outcome = try await ChildProcess.run(browser, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile.path)",
            "--window-size=\(max(width, 500) + 20),\(height + 20)", "--virtual-time-budget=3000", "--dump-dom", file.absoluteString,
        ])
        guard let start = outcome.stdout.range(of: "<pre id=\"measure\">"),
              let end = outcome.stdout.range(of: "</pre>", range: start.upperBound..<outcome.stdout.endIndex)
        else {
            throw CaseworkError(.notFound, "Chromium printed no measure (exit \(outcome.status)): \(outcome.stderr.suffix(400))")
        }
        let json = String(outcome.stdout[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONDecoder().decode(Measure.self, from: Data(json.utf8))
    }
}
