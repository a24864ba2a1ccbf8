import Casework
import Foundation
import Postgres
import TestSupport
import Testing

/// How intake finds an earlier case of the same source and external id, and the check on an
/// event's date its case (migration 029): by key, whatever plan PostgreSQL keeps.
@Suite("Intake repeat lookup")
struct IntakeLookupTests {
    @Test("storing new complaints reads none of the source's earlier cases, whatever the plan")
    func newComplaintsReadNoEarlierCases() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            try await fixture.client.withConnection { connection in
                try connection.execute(
                    """
                    INSERT INTO cases (source, external_id, category_code, area_code, title, description)
                    SELECT 'hotline', 'earlier-' || g, '020103', '420102001', '下水道堵塞', '描述' FROM generate_series(1, 20000) g
                    """)
                // The plans that went wrong: generic, and no parameterized index probe per row
                // (as when the planner believes the table small). Migration 007's LEFT JOIN and
                // 027's trigger then each read all 20,000 cases to store 18 new ones (40,036 rows
                // in all before 029).
                let fetched = try connection.transaction { connection -> Int in
                    try connection.executeScript("SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_nestloop = off")
                    let stored = try fixture.store.submit((1...18).map { CaseworkFixture.complaint("new-\($0)") }, on: connection)
                    #expect(stored.allSatisfy { if case .created = $0 { true } else { false } })
                    return try connection.query(
                        "SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables WHERE relid = 'cases'::regclass"
                    ).scalar(Int.self) ?? -1
                }
                #expect(fetched >= 0 && fetched < 1_000, "submit_cases read \(fetched) rows of cases to store 18")

                // A repeat still finds its case, in the same call as new ones.
                let earlier = try connection.query("SELECT id FROM cases WHERE source = 'hotline' AND external_id = 'earlier-7'").scalar(Int64.self)
                let again = try fixture.store.submit([CaseworkFixture.complaint("earlier-7"), CaseworkFixture.complaint("new-19")], on: connection)
                guard case .existing(let id) = again[0], case .created = again[1] else {
                    Issue.record("expected the repeat to be found and the new one stored: \(again)")
                    return
                }
                #expect(id == earlier)
            }
        }
    }
}
