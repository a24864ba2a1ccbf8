import Casework
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("A department's inbox (PostgreSQL)")
struct InboxTests {
    @Test("the inbox holds the department's lead and assisting cases, most urgent first, to the limit; another department's stays its own")
    func inboxOrderAndScope() async throws {
        try await CaseworkFixture.run { fixture in
            let urban = try await fixture.person(.handler, of: "urban")
            let water = try await fixture.person(.handler, of: "water")
            func routed(_ complaint: NewCase) async throws -> Int64 {
                let id = try await fixture.submit(complaint)
                try await fixture.waitFor(id, .dispatched)
                return id
            }
            let day: TimeInterval = 86_400
            // Stalls (010102) outside Jiang'an: urban leads. Received earlier: due earlier.
            let late = try await routed(CaseworkFixture.complaint(category: "010102", area: "420103", title: "占道经营", receivedAt: Date().addingTimeInterval(-0.5 * day)))
            let fresh = try await routed(CaseworkFixture.complaint(category: "010102", area: "420103", title: "占道经营"))
            // A burst main: water leads, urban assists; urgent (2 h to respond), so already overdue.
            let assisted = try await routed(CaseworkFixture.complaint(
                category: "020102", title: "水管爆裂", description: "路边水管爆裂，路面冒水", receivedAt: Date().addingTimeInterval(-0.3 * day)))
            // A water case urban has nothing to do with.
            let other = try await routed(CaseworkFixture.complaint())
            // Accepted: its resolution deadline (days away) now counts, so it goes last.
            let accepted = try await routed(CaseworkFixture.complaint(category: "010102", area: "420103", title: "占道经营", receivedAt: Date().addingTimeInterval(-0.8 * day)))
            _ = try await fixture.as(urban) { try $1.accept(accepted, on: $0) }

            func inbox(_ login: String, _ department: String, limit: Int = 50) async throws -> [CaseSummary] {
                try await fixture.as(login) { connection, store in
                    var filter = CaseFilter()
                    filter.department = department
                    filter.limit = limit
                    return try store.list(filter, on: connection)
                }
            }
            let mine = try await inbox(urban, "urban")
            #expect(mine.map(\.id) == [assisted, late, fresh, accepted])
            #expect(mine.first { $0.id == assisted }?.task_role == "assist")
            #expect(mine.first { $0.id == late }?.task_role == "lead" && mine.first { $0.id == accepted }?.task_state == "accepted")
            #expect(try await inbox(urban, "urban", limit: 2).map(\.id) == [assisted, late])
            #expect(try await inbox(water, "water").map(\.id).sorted() == [assisted, other].sorted())
            // Asking for another department's inbox shows nothing: ids are not picked for it.
            #expect(try await inbox(water, "urban").isEmpty)
        }
    }
}
