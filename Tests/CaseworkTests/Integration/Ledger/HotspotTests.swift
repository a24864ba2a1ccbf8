import Casework
import Foundation
import Postgres
import Testing
import TestSupport

/// The hot-spot scan against PostgreSQL: a street's day far above its own baseline is found at
/// street and district level, the office sees and dismisses it, departments see none.
@Suite("Hot spots (热点)", .timeLimit(.minutes(2)))
struct HotspotTests {
    @Test func aSpikeIsFoundSeenByTheOfficeAndDismissed() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let desk = try await fixture.person(.dispatcher, of: "desk")
            let water = try await fixture.person(.handler, of: "water")
            let store = fixture.store
            let (hot, spots, metric) = try await fixture.client.withConnection { connection in
                // Four weeks of one drain complaint a day in a street, then twelve today; and a
                // steady neighbour street with three a day, today too.
                try connection.execute(
                    """
                    INSERT INTO cases (source, external_id, category_code, area_code, title, description, received_at)
                    SELECT 'hotline', 'h-' || d || '-' || n, '020103', '420102001001', '下水道堵塞', '下水道堵塞', now() - make_interval(days => d)
                    FROM generate_series(1, 28) AS d, generate_series(1, 1) AS n
                    UNION ALL
                    SELECT 'hotline', 't-' || n, '020103', '420102001002', '下水道堵塞', '下水道堵塞', now() FROM generate_series(1, 12) AS n
                    UNION ALL
                    SELECT 'hotline', 's-' || d || '-' || n, '020103', '420102002001', '下水道堵塞', '下水道堵塞', now() - make_interval(days => d)
                    FROM generate_series(0, 28) AS d, generate_series(1, 3) AS n
                    """)
                let hot = try store.scanHotspots(on: connection)
                return (hot, try store.hotspots(on: connection), try store.openHotspots(on: connection))
            }
            #expect(hot == 2)
            #expect(Set(spots.map { "\($0.level):\($0.area):\($0.count)" }) == ["street:420102001:12", "district:420102:15"])
            #expect(spots.allSatisfy { $0.category == "020103" && $0.pValue < 0.001 && $0.state == "open" })
            #expect(metric == ["street": 1, "district": 1])

            // The office sees them; a department sees none.
            #expect(try await fixture.as(desk) { try $1.hotspots(on: $0) }.count == 2)
            #expect(try await fixture.as(water) { try $1.hotspots(on: $0) }.isEmpty)
            let street = try #require(spots.first { $0.level == "street" })
            await #expect(throws: CaseworkError.self) {
                try await fixture.as(water) { try $1.dismissHotspot(street.id, reason: "施工", on: $0) }
            }
            await #expect(throws: CaseworkError.self) { try await fixture.as(desk) { try $1.dismissHotspot(street.id, reason: "", on: $0) } }
            try await fixture.as(desk) { try $1.dismissHotspot(street.id, reason: "管网施工，已知", on: $0) }
            await #expect(throws: CaseworkError.self) {
                try await fixture.as(desk) { try $1.dismissHotspot(street.id, reason: "again", on: $0) }
            }

            // A later scan with more complaints updates the count and keeps the decision.
            let after = try await fixture.client.withConnection { connection in
                try connection.execute(
                    """
                    INSERT INTO cases (source, external_id, category_code, area_code, title, description)
                    SELECT 'hotline', 'u-' || n, '020103', '420102001003', '下水道堵塞', '下水道堵塞' FROM generate_series(1, 3) AS n
                    """)
                _ = try store.scanHotspots(on: connection)
                return try store.hotspots(all: true, on: connection)
            }
            let again = try #require(after.first { $0.id == street.id })
            #expect(again.count == 15)
            #expect(again.state == "dismissed")
            #expect(try await fixture.as(desk) { try $1.hotspots(on: $0) }.map(\.level) == ["district"])
        }
    }
}
