import Casework
import Foundation
import Postgres
import TestSupport
import Testing

/// What the dispatch model learns from (issue 20): finished cases labelled with the unit they
/// ended with, and where the rules first sent them.
@Suite struct DispatchHistoryTests {
    @Test func finishedCasesWithTheUnitTheyEndedWith() async throws {
        try await CaseworkFixture.run { fixture in
            let water = try await fixture.person(.handler, of: "water")
            let district = try await fixture.person(.handler, of: "ja")
            let dispatcher = try await fixture.person(.dispatcher, of: "desk")
            let urban = try await fixture.person(.handler, of: "urban")
            // Resolved by the unit the rules chose.
            _ = try await fixture.resolvedCase(by: water)
            // Returned twice, assigned by the desk, resolved by the unit it ended with.
            let moved = try await fixture.returnedTwiceToTheDesk(water: water, district: district, title: "小区污水外溢")
            _ = try await fixture.as(dispatcher) { try $1.assign(moved, lead: "urban", assists: [], reason: "终审", on: $0) }
            _ = try await fixture.as(urban) { try $1.accept(moved, on: $0) }
            _ = try await fixture.as(urban) { try $1.resolve(moved, reply: "已疏通", on: $0) }
            // Still open: not learnt from.
            let open = try await fixture.submit(CaseworkFixture.complaint(title: "下水道又堵了"))
            try await fixture.waitFor(open, .dispatched)

            let history = try await fixture.client.withConnection { connection in
                try fixture.store.dispatchHistory(from: Date().addingTimeInterval(-3600), until: Date().addingTimeInterval(60), page: 1, on: connection)
            }
            #expect(history.map(\.unit) == ["water", "urban"])
            #expect(history.map(\.rules) == [.unit("water"), .unit("water")])
            #expect(history.map(\.input.title) == ["下水道堵塞", "小区污水外溢"])
            #expect(history.first?.input.category == "020103" && history.first?.input.area == "420102001")
            // A window that ends before them holds none.
            let none = try await fixture.client.withConnection { connection in
                try fixture.store.dispatchHistory(from: Date().addingTimeInterval(-7200), until: Date().addingTimeInterval(-3600), on: connection)
            }
            #expect(none.isEmpty)
        }
    }
}
