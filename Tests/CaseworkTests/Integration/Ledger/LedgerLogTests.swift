import Casework
import Foundation
import Postgres
import Testing
import TestSupport

/// Ledger events in the provable log: sealed in one order with case events, proven from the
/// tables and from an export with the public key alone, and every change to one named.
@Suite("Ledger events in the sealed log", .timeLimit(.minutes(3)))
struct LedgerLogTests {
    @Test func ledgerEventsAreSealedWithCaseEventsAndAChangeIsNamed() async throws {
        try await CaseworkFixture.run { fixture in
            let log = try EventLogFixture(fixture)
            let desk = try await fixture.person(.dispatcher, of: "desk")
            let water = try await fixture.person(.handler, of: "water")
            let caseID = try await fixture.submit(CaseworkFixture.complaint())
            try await fixture.waitFor(caseID, .dispatched)
            let due = try await LedgerTests.nextWorkingDay(fixture)
            let item = try await fixture.as(desk) {
                try $1.newLedgerItem(NewLedgerItem(title: "积水点整治", lead: "water", due: due), cases: [caseID], on: $0)
            }
            let progress = try await fixture.as(water) { try $1.ledgerProgress(item, note: "第一行\n第二行 \"引号\"", on: $0) }
            _ = try await fixture.as(water) { try $1.accept(caseID, on: $0) }
            let request = try await fixture.as(water) {
                try $1.requestCloseOut(item, note: "完成", files: [.init(name: "a.pdf", bytes: LedgerTests.pdf)], on: $0)
            }
            _ = try await fixture.as(desk) { try $1.decideCloseOut(item, approve: true, note: nil, on: $0) }

            let size = try await log.seal(batch: 3)
            let (caseEvents, ledgerEvents) = try await fixture.client.withConnection { connection in
                try connection.query("SELECT (SELECT count(*)::int FROM case_events), (SELECT count(*)::int FROM ledger_events)")
                    .first!.decode((Int, Int).self)
            }
            #expect(ledgerEvents == 5)
            #expect(size == Int64(caseEvents + ledgerEvents))
            let verified = try await fixture.client.withConnection { try fixture.store.verifyLog(key: log.key.verifierKey, on: $0) }
            #expect(verified.proven, "\(verified.failure?.reason ?? "")")

            // The export carries both kinds; the public key proves it.
            let lines = try await fixture.client.withConnection { connection in
                var lines: [String] = []
                _ = try fixture.store.exportLog(origin: log.key.name, on: connection) { lines.append($0) }
                return lines
            }
            #expect(lines.filter { $0.contains("\"type\":\"ledger-event\"") }.count == 5)
            let reading = LogExport.verify(lines: lines.map { Substring($0) }, key: log.key.verifierKey, keepEvents: true)
            #expect(reading.verification.proven, "\(reading.verification.failure?.reason ?? "")")
            #expect(reading.events.count == caseEvents, "figures read case events only")
            // A changed note in the file names its event.
            let target = try #require(lines.firstIndex { $0.contains("ledger-event") && $0.contains("第二行") })
            var changed = lines
            changed[target] = changed[target].replacingOccurrences(of: "第二行", with: "第三行")
            #expect(LogExport.verify(lines: changed.map { Substring($0) }, key: log.key.verifierKey).verification.failure?.eventID == progress)

            // In the tables: a changed note, a changed evidence hash in the event, a changed
            // deadline of the item, a deleted event, a forged one: each named.
            let changedNote = try await log.tampered { try $0.executeScript("UPDATE ledger_events SET note = '改过' WHERE id = \(progress)") }
            #expect(changedNote.failure?.eventID == progress)
            let changedFiles = try await log.tampered {
                try $0.executeScript("UPDATE ledger_events SET details = '{\"files\": []}' WHERE id = \(request)")
            }
            #expect(changedFiles.failure?.eventID == request)
            let first = try await fixture.client.withConnection {
                try $0.query("SELECT min(id) FROM ledger_events WHERE item_id = \(item)").scalar(Int64.self) ?? 0
            }
            let movedDeadline = try await log.tampered {
                try $0.executeScript("UPDATE ledger_items SET deadline = deadline + interval '30 days' WHERE id = \(item)")
            }
            #expect(movedDeadline.failure?.eventID == first)
            let deleted = try await log.tampered { try $0.executeScript("DELETE FROM ledger_events WHERE id = \(request)") }
            #expect(deleted.failure?.eventID == request)
            let forged = try await log.tampered { connection in
                try connection.executeScript(
                    """
                    INSERT INTO ledger_events (id, seal_xid, item_id, actor, kind, note)
                    SELECT 9000000, seal_xid, item_id, 'forger', 'progress', '补记' FROM ledger_events WHERE id = \(progress)
                    """)
            }
            #expect(forged.failure?.eventID == 9_000_000)
        }
    }

    /// The sealing step merges the two tables by (transaction, id) as numbers: 98 before 99
    /// before 100 before 101, whatever their digits (a text order put 1002 before 773;
    /// scripts/chaos-ha found it).
    @Test func eventsAreSealedInTheirTransactionsNumericOrder() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let log = try EventLogFixture(fixture)
            let caseID = try await fixture.submit(CaseworkFixture.complaint())
            let due = try await LedgerTests.nextWorkingDay(fixture)
            let desk = try await fixture.person(.dispatcher, of: "desk")
            let item = try await fixture.as(desk) { try $1.newLedgerItem(NewLedgerItem(title: "积水", lead: "water", due: due), on: $0) }
            // Events of old transactions, written with their transaction as a superuser can:
            // far below every transaction still running (whatever the cluster's xids are now),
            // across a power of ten, so that the text order and the numeric order differ.
            let now = try await fixture.client.withConnection { try $0.query("SELECT pg_current_xact_id()::text").scalar(String.self) ?? "0" }
            var power: UInt64 = 10
            while power * 100 <= (UInt64(now) ?? 0) { power *= 10 }
            let planted = [power - 2, power - 1, power, power + 1]
            try await fixture.client.withConnection { connection in
                try connection.executeScript(
                    """
                    INSERT INTO case_events (case_id, actor, kind, seal_xid)
                    VALUES (\(caseID), 'x', 'note', '\(planted[3])'), (\(caseID), 'x', 'note', '\(planted[1])'), (\(caseID), 'x', 'note', '\(planted[2])');
                    INSERT INTO ledger_events (item_id, actor, kind, seal_xid) VALUES (\(item), 'x', 'progress', '\(planted[0])');
                    """)
            }
            // One step takes them all (a wrong order would leave some behind the cursor for good).
            try await fixture.setting("log.checkpoint_seconds", "0")
            let step = try await fixture.client.withConnection { try fixture.store.sealLog(limit: 5_000, key: log.key, on: $0) }
            #expect(step.sealed >= 4)
            let order = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    SELECT coalesce(e.seal_xid, g.seal_xid)::text FROM log_leaves l
                    LEFT JOIN case_events e ON e.id = l.event_id LEFT JOIN ledger_events g ON g.id = l.event_id ORDER BY l.seq
                    """).map { UInt64(try $0.decode(String.self, at: 0)) ?? 0 }
            }
            #expect(order == order.sorted(), "\(order)")
            #expect(Array(order.prefix(4)) == planted, "\(order)")
            let verified = try await fixture.client.withConnection { try fixture.store.verifyLog(key: log.key.verifierKey, on: $0) }
            #expect(verified.proven, "\(verified.failure?.reason ?? "")")
        }
    }
}
