import Casework
import Crypto
import Foundation
import Postgres
import Testing
import TestSupport

/// The problem ledger against PostgreSQL: who may do what to an item, close-out with checked
/// evidence, the office's decision, escalation of an overdue item, and an item from a hot spot.
@Suite("Ledger items (台账)", .timeLimit(.minutes(3)))
struct LedgerTests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("IHDR 整改后照片".utf8))
    static let pdf = Data("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8)

    /// The next working day after today, on the example calendar.
    static func nextWorkingDay(_ fixture: CaseworkFixture) async throws -> String {
        try await fixture.client.withConnection { connection in
            let calendar = try fixture.store.loadCalendar(on: connection)
            return calendar.day(of: calendar.end(ofWorkingDays: 1, after: Date()).addingTimeInterval(-1)).description
        }
    }

    static func code(_ error: any Error) -> CaseworkError.Code? {
        (error as? CaseworkError)?.code ?? (error as? PostgresError).flatMap(CaseworkError.init)?.code
    }

    @Test func anItemIsWorkedByItsUnitsAndClosedOutWithEvidence() async throws {
        try await CaseworkFixture.run { fixture in
            let desk = try await fixture.person(.dispatcher, of: "desk")
            let water = try await fixture.person(.handler, of: "water")
            let power = try await fixture.person(.handler, of: "power")
            let urban = try await fixture.person(.handler, of: "urban")
            let cases = [try await fixture.submit(CaseworkFixture.complaint()), try await fixture.submit(CaseworkFixture.complaint())]
            let due = try await Self.nextWorkingDay(fixture)
            let new = NewLedgerItem(title: "一元路下水管网改造", place: "一元路 12 号", area: "420102001", lead: "water",
                                    assisting: ["power"], due: due, source: "2026年12月 每月一题")

            // Only the office creates; a unit that does not exist, or a weekend, is refused.
            await #expect { try await fixture.as(water) { try $1.newLedgerItem(new, cases: cases, on: $0) } } throws: {
                Self.code($0) == .notPermitted
            }
            let unknown = NewLedgerItem(title: new.title, lead: "nobody", due: due)
            await #expect { try await fixture.as(desk) { try $1.newLedgerItem(unknown, on: $0) } } throws: { Self.code($0) == .badInput }
            let saturday = NewLedgerItem(title: new.title, lead: "water", due: "2027-01-02")
            await #expect { try await fixture.as(desk) { try $1.newLedgerItem(saturday, on: $0) } } throws: { Self.code($0) == .badInput }
            let id = try await fixture.as(desk) { try $1.newLedgerItem(new, cases: cases, on: $0) }

            // The lead and the assisting unit see it; another unit does not.
            let seen = try await fixture.as(water) { try $1.ledgerItem(id, on: $0) }
            #expect(seen?.item.state == .open && seen?.item.lead == "water" && seen?.item.assisting == ["power"])
            #expect(seen?.cases == cases.sorted())
            #expect(seen?.item.due.description == due)
            #expect(try await fixture.as(power) { try $1.ledgerItems(on: $0) }.map(\.id) == [id])
            #expect(try await fixture.as(urban) { try $1.ledgerItems(on: $0) }.isEmpty)
            #expect(try await fixture.as(urban) { try $1.ledgerItem(id, on: $0) } == nil)

            // Progress from both units; not from another.
            _ = try await fixture.as(power) { try $1.ledgerProgress(id, note: "已停电配合施工", on: $0) }
            _ = try await fixture.as(water) { try $1.ledgerProgress(id, note: "管道已开挖", on: $0) }
            await #expect { try await fixture.as(urban) { try $1.ledgerProgress(id, note: "x", on: $0) } } throws: { Self.code($0) == .notPermitted }

            // Close-out: the lead unit only, with evidence of a checked type and size.
            let photo = CaseworkStore.EvidenceFile(name: "after.png", bytes: Self.png)
            let report = CaseworkStore.EvidenceFile(name: "验收报告.pdf", bytes: Self.pdf)
            await #expect { try await fixture.as(power) { try $1.requestCloseOut(id, note: "完成", files: [photo], on: $0) } } throws: {
                Self.code($0) == .notPermitted
            }
            let refusals: [[CaseworkStore.EvidenceFile]] = [
                [],                                                                            // no evidence
                [CaseworkStore.EvidenceFile(name: "photo.jpg", bytes: Self.png)],               // a PNG named as a JPEG
                [CaseworkStore.EvidenceFile(name: "photo.png", bytes: Data("not an image".utf8))], // text posing as an image
                [CaseworkStore.EvidenceFile(name: "notes.txt", bytes: Data("text".utf8))],      // not a photo or PDF
                [photo, CaseworkStore.EvidenceFile(name: "big.pdf", bytes: Self.pdf + Data(count: 4_096))], // over the limit
            ]
            try await fixture.setting("ledger.evidence_max_bytes", "2048")
            for files in refusals {
                await #expect { try await fixture.as(water) { try $1.requestCloseOut(id, note: "已完成", files: files, on: $0) } } throws: {
                    Self.code($0) == .badInput
                }
            }
            let untouched = try await fixture.client.withConnection { connection in
                try connection.query("SELECT (SELECT count(*) FROM ledger_evidence)::int, (SELECT state FROM ledger_items WHERE id = \(id))")
                    .first!.decode((Int, String).self)
            }
            #expect(untouched == (0, "open"), "a refused request stores nothing")
            _ = try await fixture.as(water) { try $1.requestCloseOut(id, note: "管网改造完成", files: [photo, report], on: $0) }

            // Evidence: listed with its SHA-256; read by the lead unit and the office, not the
            // assisting unit.
            let detail = try #require(try await fixture.as(desk) { try $1.ledgerItem(id, on: $0) })
            #expect(detail.item.state == .requested)
            #expect(detail.evidence.map(\.name) == ["after.png", "验收报告.pdf"])
            #expect(detail.evidence.map(\.mediaType) == ["image/png", "application/pdf"])
            #expect(detail.evidence.map(\.sha256) == [Self.png, Self.pdf].map { SHA256.hash(data: $0).map { String(format: "%02x", $0) }.joined() })
            let first = detail.evidence[0].id
            #expect(try await fixture.as(water) { try $1.evidence(first, on: $0) }.bytes == Self.png)
            #expect(try await fixture.as(desk) { try $1.evidence(first, on: $0) }.bytes == Self.png)
            await #expect { try await fixture.as(power) { try $1.evidence(first, on: $0) } } throws: { Self.code($0) == .notFound }

            // The office refuses (a reason needed), the unit asks again, the office approves.
            await #expect { try await fixture.as(water) { try $1.decideCloseOut(id, approve: true, note: nil, on: $0) } } throws: {
                Self.code($0) == .notPermitted
            }
            await #expect { try await fixture.as(desk) { try $1.decideCloseOut(id, approve: false, note: "", on: $0) } } throws: {
                Self.code($0) == .badInput
            }
            #expect(try await fixture.as(desk) { try $1.decideCloseOut(id, approve: false, note: "缺少验收签字", on: $0) } == .open)
            await #expect { try await fixture.as(desk) { try $1.decideCloseOut(id, approve: true, note: nil, on: $0) } } throws: {
                Self.code($0) == .wrongState
            }
            _ = try await fixture.as(water) { try $1.requestCloseOut(id, note: "补充验收签字", files: [report], on: $0) }
            #expect(try await fixture.as(desk) { try $1.decideCloseOut(id, approve: true, note: "同意销号", on: $0) } == .closedOut)
            await #expect { try await fixture.as(water) { try $1.ledgerProgress(id, note: "x", on: $0) } } throws: { Self.code($0) == .wrongState }

            let closed = try #require(try await fixture.as(water) { try $1.ledgerItem(id, on: $0) })
            #expect(closed.item.state == .closedOut && closed.item.closedOnTime == true)
            #expect(closed.events.map(\.kind) == ["created", "linked", "progress", "progress", "close_out_requested", "refused",
                                                  "close_out_requested", "closed_out"])
            #expect(closed.events.map(\.actor) == [desk, desk, power, water, water, desk, water, desk])
            #expect(closed.evidence.count == 3)
            // Closed out: gone from the open list, there with --all.
            #expect(try await fixture.as(water) { try $1.ledgerItems(on: $0) }.isEmpty)
            #expect(try await fixture.as(water) { try $1.ledgerItems(.init(all: true), on: $0) }.map(\.id) == [id])
            // People cannot write the tables; events are append-only even for the owner.
            await #expect(throws: PostgresError.self) {
                try await fixture.as(water) { connection, _ in try connection.execute("UPDATE ledger_items SET state = 'open' WHERE id = \(id)") }
            }
            await #expect(throws: PostgresError.self) {
                try await fixture.client.withConnection { try $0.execute("UPDATE ledger_events SET note = 'x' WHERE item_id = \(id)") }
            }
        }
    }

    @Test func anItemFromAHotSpotLinksItsCasesAndAnOverdueOneEscalates() async throws {
        try await CaseworkFixture.run { fixture in
            let desk = try await fixture.person(.dispatcher, of: "desk")
            let ids = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    INSERT INTO cases (source, external_id, category_code, area_code, title, description, received_at)
                    SELECT 'hotline', 'hs-' || n, '020103', '420102001002', '下水道堵塞', '下水道堵塞', now() FROM generate_series(1, 6) AS n
                    RETURNING id
                    """).map { try $0.decode(Int64.self, at: 0) }
            }
            let hotspot = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    INSERT INTO hotspots (category_code, area_code, level, day, count, expected, p_value)
                    VALUES ('020103', '420102001', 'street', (now() AT TIME ZONE 'Asia/Shanghai')::date, 6, 1, 0.0001) RETURNING id
                    """).scalar(Int64.self) ?? 0
            }
            // Due on a past working day: overdue at once (a list transcribed late), so its
            // clock fires and escalates it.
            let due = try await fixture.client.withConnection { connection in
                let calendar = try fixture.store.loadCalendar(on: connection)
                var day = calendar.day(of: Date()).adding(days: -3)
                while !calendar.isWorkingDay(day) { day = day.adding(days: -1) }
                return day.description
            }
            let item = NewLedgerItem(title: "一元路下水道反复堵塞", lead: "water", due: due)
            let id = try await fixture.as(desk) { try $1.newLedgerItem(item, hotspot: hotspot, on: $0) }
            await #expect { try await fixture.as(desk) { try $1.newLedgerItem(item, hotspot: hotspot, on: $0) } } throws: {
                Self.code($0) == .wrongState
            }
            let detail = try #require(try await fixture.as(desk) { try $1.ledgerItem(id, on: $0) })
            #expect(detail.cases == ids.sorted())
            #expect(detail.item.hotspot == hotspot)
            #expect(try await fixture.client.withConnection { try $0.query("SELECT state FROM hotspots WHERE id = \(hotspot)").scalar(String.self) } == "itemized")

            let escalated = try await TestDatabase.eventually {
                try await fixture.as(desk) { try $1.ledgerItem(id, on: $0) }?.item.escalatedAt != nil
            }
            #expect(escalated)
            let after = try #require(try await fixture.as(desk) { try $1.ledgerItem(id, on: $0) })
            #expect(after.events.map(\.kind) == ["created", "linked", "escalated"])
            #expect(after.item.isOverdue(at: Date()))
            #expect(try await fixture.as(desk) { try $1.ledgerItems(.init(overdue: true), on: $0) }.map(\.id) == [id])
            // The clock fires once: running it again changes nothing.
            let again = try await fixture.client.withConnection { try $0.query("SELECT ledger_clock_fire(\(id))").scalar(String.self) }
            #expect(again == "escalated")
            #expect(try await fixture.as(desk) { try $1.ledgerItem(id, on: $0) }?.events.count == 3)
        }
    }
}
