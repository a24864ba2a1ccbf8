import Casework
import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite("Event log in PostgreSQL: sealing order, tampering, export")
struct EventLogStoreTests {
    @Test func aTransactionCommittingLateIsSealedBeforeLaterOnes() async throws {
        try await CaseworkFixture.run(worker: false) { fixture in
            let log = try EventLogFixture(fixture)
            let caseID = try await fixture.client.withConnection { connection in
                try connection.query(
                    """
                    INSERT INTO cases (source, external_id, category_code, area_code, title, description)
                    VALUES ('bulk', 'late', '020103', '420102001', '标题', '描述') RETURNING id
                    """).scalar(Int64.self)!
            }
            let insert = "INSERT INTO case_events (case_id, actor, kind) VALUES (\(caseID), 'test', 'note') RETURNING id"
            // The late transaction takes its transaction id first, inserts after the early one
            // has committed, and commits only after the sealer has run. Each step waits for
            // the one before (stage), whatever the load.
            let stage = Mutex(0)
            @Sendable func wait(for step: Int) { while stage.withLock({ $0 }) < step { usleep(2_000) } }
            let late = Task {
                try await fixture.client.withConnection { connection in
                    try connection.executeScript("BEGIN; SELECT pg_current_xact_id()")
                    stage.withLock { $0 = 1 }
                    wait(for: 2)
                    let id = try connection.query(PostgresQuery(unsafeSQL: insert)).scalar(Int64.self)!
                    stage.withLock { $0 = 3 }
                    wait(for: 4)
                    try connection.executeScript("COMMIT")
                    return id
                }
            }
            while stage.withLock({ $0 }) < 1 { try await Task.sleep(for: .milliseconds(5)) }
            let early = try await fixture.client.withConnection { try $0.query(PostgresQuery(unsafeSQL: insert)).scalar(Int64.self)! }
            stage.withLock { $0 = 2 }
            while stage.withLock({ $0 }) < 3 { try await Task.sleep(for: .milliseconds(5)) }
            let first = try await fixture.client.withConnection { try fixture.store.sealLog(key: log.key, on: $0) }
            stage.withLock { $0 = 4 }
            #expect(first.sealed == 0, "nothing may be sealed while an older transaction can still commit")
            let lateID = try await late.value
            #expect(lateID > early)
            // Sealed once no older transaction of the cluster is open (other tests' may be, a moment).
            var sealed = 0
            #expect(try await TestDatabase.eventually {
                sealed += try await fixture.client.withConnection { try fixture.store.sealLog(key: log.key, on: $0) }.sealed
                return sealed == 2
            })
            let order = try await fixture.client.withConnection { connection in
                try connection.query("SELECT event_id FROM log_leaves ORDER BY seq").map { try $0.decode(Int64.self, at: 0) }
            }
            #expect(order == [lateID, early])
            let verified = try await fixture.client.withConnection { try fixture.store.verifyLog(key: log.key.verifierKey, on: $0) }
            #expect(verified.proven && verified.events == 2)
        }
    }

    /// At least 1,000 random tamperings of a sealed log of 10,000 events, each made as a
    /// superuser in a transaction rolled back afterwards: every one is detected and named.
    @Test func everyTamperingIsDetectedAndNamed() async throws {
        let count = Int(ProcessInfo.processInfo.environment["CIVICQ_TAMPERINGS"] ?? "") ?? 1_000
        let seed = UInt64(ProcessInfo.processInfo.environment["CIVICQ_TAMPER_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
        try await CaseworkFixture.run(worker: false) { fixture in
            let log = try EventLogFixture(fixture)
            try await log.write(events: 10_000)
            let every = 500
            let size = try await log.seal(batch: every)
            #expect(size == 10_000)
            let untouched = try await log.tampered { _ in }
            #expect(untouched.proven && untouched.events == 10_000 && untouched.checkpointsProven == 21)
            // Position → event id, and each event's case, as sealed.
            let sealed = try await fixture.client.withConnection { connection in
                try connection.query("SELECT l.event_id, e.case_id FROM log_leaves l JOIN case_events e ON e.id = l.event_id ORDER BY l.seq")
                    .map { (try $0.decode(Int64.self, at: 0), try $0.decode(Int64.self, at: 1)) }
            }
            let ids = sealed.map(\.0)
            let positionOf = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, Int64($0)) })
            let fields = [
                // Kinds and details stay within the contract (the check on case_events): a forger
                // who keeps to it is caught by the seal alone.
                "actor = actor || 'x'", "kind = CASE WHEN kind = 'note' THEN 'received' ELSE 'note' END, details = '{}'",
                "reason = coalesce(reason, '') || '.'", "at = at + interval '1 microsecond'",
                "department_code = 'power'", "public = NOT public",
                """
                details = CASE kind WHEN 'dispatched' THEN details || '{"rule": "forged"}' WHEN 'accepted' THEN details || '{"task": "forged"}'
                                    WHEN 'resolved' THEN details || '{"on_time": "forged"}' ELSE '{"channel": "forged"}' END,
                kind = CASE WHEN kind IN ('dispatched', 'accepted', 'resolved') THEN kind ELSE 'received' END
                """,
                "to_state = 'closed'", "case_id = (SELECT min(id) FROM cases WHERE id <> case_events.case_id)",
            ]
            // Two lanes at once, each on its own connection with its own generator: the server
            // and the verifier each take a core. A deadlock between two lanes' tamperings is retried.
            let lanes = 2
            let (tally, missed) = try await withThrowingTaskGroup(of: ([String: Int], [String]).self) { group in
                for lane in 0..<lanes {
                    group.addTask {
                        var random = SeededGenerator(state: seed &+ UInt64(lane))
                        var tally: [String: Int] = [:]
                        var missed: [String] = []
                        for round in stride(from: lane, to: count, by: lanes) {
                        let kind = Int.random(in: 0..<9, using: &random)
                        let position = Int.random(in: 0..<ids.count, using: &random)
                        let target = ids[position]
                        let name: String
                        var result: LogVerification
                        var expected: (LogVerification) -> Bool
                        switch kind {
                        case 0:
                            let field = fields.randomElement(using: &random)!
                            name = "change one field"
                            result = try await log.tampered { try $0.executeScript("UPDATE case_events SET \(field) WHERE id = \(target)") }
                            expected = { $0.failure?.eventID == target }
                        case 1:
                            // A case attribute sealed with its events: the case's first sealed event is named.
                            let caseID = sealed[position].1
                            let first = sealed.first { $0.1 == caseID }!.0
                            name = "change a sealed case attribute"
                            result = try await log.tampered { try $0.executeScript("UPDATE cases SET area_code = '429999999' WHERE id = \(caseID)") }
                            expected = { $0.failure?.eventID == first }
                        case 2:
                            name = "delete a row"
                            result = try await log.tampered { try $0.executeScript("DELETE FROM case_events WHERE id = \(target)") }
                            expected = { $0.failure?.eventID == target }
                        case 3:
                            let forged = Int64(1_000_000 + round)
                            name = "insert a row"
                            result = try await log.tampered { connection in
                                try connection.executeScript(
                                    """
                                    INSERT INTO case_events (id, seal_xid, case_id, actor, kind, at)
                                    OVERRIDING SYSTEM VALUE
                                    SELECT \(forged), seal_xid, case_id, 'forger', 'note', at FROM case_events WHERE id = \(target)
                                    """)
                            }
                            expected = { $0.failure?.eventID == forged }
                        case 4:
                            // Another event: one swapped with itself is no tampering (a draw of
                            // the same event once counted "proven" as a miss, seed 18438514766279830457).
                            let other = ids[(position + Int.random(in: 1..<ids.count, using: &random)) % ids.count]
                            let pair = Set([target, other])
                            let earlier = positionOf[target]! < positionOf[other]! ? target : other
                            if Bool.random(using: &random) {
                                name = "swap two events' contents"
                                result = try await log.tampered { connection in
                                    try connection.executeScript(
                                        """
                                        UPDATE case_events e SET actor = o.actor, kind = o.kind, reason = o.reason, at = o.at, details = o.details,
                                            case_id = o.case_id, public = o.public
                                        FROM case_events o WHERE (e.id, o.id) IN ((\(target), \(other)), (\(other), \(target)))
                                        """)
                                }
                                expected = { $0.failure?.eventID == earlier }
                            } else {
                                name = "swap two events' places"
                                result = try await log.tampered { connection in
                                    try connection.executeScript(
                                        """
                                        UPDATE log_leaves SET event_id = -1 WHERE event_id = \(target);
                                        UPDATE log_leaves SET event_id = \(target) WHERE event_id = \(other);
                                        UPDATE log_leaves SET event_id = \(other) WHERE event_id = -1;
                                        """)
                                }
                                expected = { pair.contains($0.failure?.eventID ?? 0) }
                            }
                        case 5:
                            let cut = Int.random(in: 1...800, using: &random)
                            let from = ids.count - cut
                            let leavesToo = Bool.random(using: &random)
                            name = leavesToo ? "cut the tail (events and leaves)" : "cut the tail (events)"
                            result = try await log.tampered { connection in
                                try connection.executeScript("DELETE FROM case_events WHERE id IN (SELECT event_id FROM log_leaves WHERE seq >= \(from))")
                                if leavesToo { try connection.executeScript("DELETE FROM log_leaves WHERE seq >= \(from)") }
                            }
                            expected = { leavesToo ? ($0.failure?.position == Int64(from) && $0.failure?.eventID == nil) : $0.failure?.eventID == ids[from] }
                        case 6, 7:
                            // Rewrite the tail and re-hash its leaves, without the key: the leaves agree
                            // with the events, the signed roots do not. Named: the first event after
                            // the last checkpoint that still holds. With a forged checkpoint (kind 7),
                            // its signature fails first.
                            let from = Int.random(in: max(0, ids.count - 3_000)..<ids.count, using: &random)
                            let forge = kind == 7
                            name = forge ? "rewrite and re-hash the tail, forge a checkpoint" : "rewrite and re-hash the tail"
                            result = try await log.tampered { connection in
                                try connection.executeScript(
                                    "UPDATE case_events SET reason = 'rewritten' WHERE id IN (SELECT event_id FROM log_leaves WHERE seq >= \(from))")
                                // Re-hashed as the database hashes (log_leaf_hash), leaves only.
                                try connection.executeScript(
                                    """
                                    UPDATE log_leaves l SET leaf_hash = log_leaf_hash(e, c)
                                    FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.id = l.event_id AND l.seq >= \(from)
                                    """)
                                if forge {
                                    var frontier = MerkleFrontier()
                                    for row in try connection.query("SELECT leaf_hash FROM log_leaves ORDER BY seq") {
                                        frontier.append(Array(try row.decode(Data.self, at: 0)))
                                    }
                                    let fake = try LogSigningKey(name: log.key.name)
                                    let note = try LogCheckpoint(origin: fake.name, size: frontier.size, root: frontier.root, time: Date()).signed(by: fake)
                                    try connection.execute(
                                        "INSERT INTO log_checkpoints (size, root, signed_at, note) VALUES (\(frontier.size), decode(\(frontier.root.map { String(format: "%02x", $0) }.joined()), 'hex'), now(), \(note))")
                                }
                            }
                            let start = from / every * every
                            expected = { forge ? ($0.failure?.reason.contains("not signed") == true)
                                               : ($0.failure?.position == Int64(start) && $0.failure?.eventID == ids[start]) }
                        default:
                            // Replace a checkpoint: another root under the old signature, or a new signature by another key.
                            let which = Int.random(in: 1...20, using: &random) * every
                            let resign = Bool.random(using: &random)
                            name = resign ? "replace a checkpoint (re-signed)" : "replace a checkpoint (root changed)"
                            let fake = try LogSigningKey(name: log.key.name)
                            result = try await log.tampered { connection in
                                if resign {
                                    let note = try LogCheckpoint(origin: fake.name, size: Int64(which), root: MerkleHash.leaf([1]), time: Date()).signed(by: fake)
                                    try connection.execute("UPDATE log_checkpoints SET note = \(note) WHERE size = \(which)")
                                } else {
                                    try connection.execute(
                                        """
                                        UPDATE log_checkpoints SET note = regexp_replace(note, E'^([^\\n]*\\n[0-9]+\\n)[^\\n]*', E'\\\\1' || encode(sha256('x'), 'base64'))
                                        WHERE size = \(which)
                                        """)
                                }
                            }
                            expected = { $0.failure?.reason.contains("not signed") == true }
                        }
                        tally[name, default: 0] += 1
                        if result.proven || !expected(result) {
                            missed.append("\(name) at position \(position) (seed \(seed)): \(result.failure?.reason ?? "proven")")
                        }
                                    }
                        return (tally, missed)
                    }
                }
                var tally: [String: Int] = [:]
                var missed: [String] = []
                for try await (lane, misses) in group {
                    tally.merge(lane, uniquingKeysWith: +)
                    missed += misses
                }
                return (tally, missed)
            }
            #expect(missed.isEmpty, "\(missed.count) of \(count) tamperings missed or misnamed: \(missed.prefix(5))")
            #expect(tally.count >= 12, "kinds tried: \(tally)")
            let after = try await log.tampered { _ in }
            #expect(after.proven && after.events == 10_000)
        }
    }
}

@Suite("Event log exports (PostgreSQL)")
struct EventLogExportTests {
    /// Events from the real flow (Chinese text, newlines, NULLs, jsonb details), sealed by the
    /// database's hashing, exported, and checked by the Swift one with the public key alone.
    @Test func anExportIsProvenWithThePublicKeyAloneAndATamperedOneNamesTheEvent() async throws {
        try await CaseworkFixture.run { fixture in
            let log = try EventLogFixture(fixture)
            let handler = try await fixture.person(.handler, of: "water")
            var ids: [Int64] = []
            for n in 0..<6 {
                let id = try await fixture.submit(CaseworkFixture.complaint(title: "下水道堵塞 \(n)"))
                try await fixture.waitFor(id, .dispatched)
                _ = try await fixture.as(handler) { try $1.accept(id, on: $0) }
                try await fixture.as(handler) { try $1.note(id, text: "第一行\n第二行 \"引号\" \\ 反斜杠 ✓", public: n % 2 == 0, on: $0) }
                ids.append(id)
            }
            try await fixture.setting("log.checkpoint_seconds", "0")
            var sizes: [Int64] = []
            while true {
                let outcome = try await fixture.client.withConnection { try fixture.store.sealLog(limit: 7, key: log.key, on: $0) }
                if outcome.sealed == 0, try await fixture.client.withConnection({ try fixture.store.unsealedEvents(on: $0) }) == 0 { break }
                if let checkpoint = outcome.checkpoint { sizes.append(checkpoint.size) }
            }
            #expect(sizes.count >= 3)
            func export(from: Int64 = 0) async throws -> [String] {
                try await fixture.client.withConnection { connection in
                    var lines: [String] = []
                    _ = try fixture.store.exportLog(from: from, origin: log.key.name, on: connection) { lines.append($0) }
                    return lines
                }
            }
            let lines = try await export()
            let whole = LogExport.verify(lines: lines.map { Substring($0) }, key: log.key.verifierKey)
            #expect(whole.verification.proven, "\(whole.verification.failure?.reason ?? "")")
            #expect(whole.verification.events == sizes.last)
            #expect(whole.header?.timeZone == "Asia/Shanghai")

            // From a checkpoint in the middle: the right edge there is checked against it.
            let middle = sizes[sizes.count / 2]
            let tail = try await export(from: middle)
            #expect(tail.count < lines.count)
            let fromMiddle = LogExport.verify(lines: tail.map { Substring($0) }, key: log.key.verifierKey)
            #expect(fromMiddle.verification.proven && fromMiddle.verification.events == sizes.last)
            // From a size no checkpoint has (a step may seal fewer than 7 while another
            // transaction of the cluster holds sealing back, so look for one).
            let between = try #require((1..<sizes.last!).first { !sizes.contains($0) })
            await #expect(throws: LogError.self) { _ = try await export(from: between) }

            // A changed reason in the file: the event is named.
            let target = lines.firstIndex { $0.contains("\"type\":\"event\"") && $0.contains("第二行") }!
            var changed = lines
            changed[target] = changed[target].replacingOccurrences(of: "第二行", with: "第三行")
            let named = LogExport.verify(lines: changed.map { Substring($0) }, key: log.key.verifierKey)
            let targetID = try JSONDecoder().decode(EventLine.self, from: Data(lines[target].utf8)).event.id
            #expect(named.verification.failure?.eventID == targetID)
            // A line removed, a forged start, another key: each fails.
            var removed = lines
            removed.remove(at: target)
            #expect(!LogExport.verify(lines: removed.map { Substring($0) }, key: log.key.verifierKey).verification.proven)
            let forgedStart = tail.enumerated().map { $0.offset == 0 ? $0.element.replacingOccurrences(of: "\"from\":\(middle)", with: "\"from\":\(middle - 1)") : $0.element }
            #expect(!LogExport.verify(lines: forgedStart.map { Substring($0) }, key: log.key.verifierKey).verification.proven)
            let stranger = try LogSigningKey(name: log.key.name)
            #expect(!LogExport.verify(lines: lines.map { Substring($0) }, key: stranger.verifierKey).verification.proven)
            #expect(!LogExport.verify(lines: ["not json"], key: log.key.verifierKey).verification.proven)
        }
    }

    /// The figures recomputed from a proven export equal the rollups, unit by unit, for every
    /// dimension.
    @Test func figuresRecomputedFromAnExportEqualTheRollups() async throws {
        try await CaseworkFixture.run { fixture in
            let log = try EventLogFixture(fixture)
            let handler = try await fixture.person(.handler, of: "water")
            let agent = try await fixture.person(.callback, of: "desk")
            var cases: [Int64] = []
            for _ in 0..<4 { cases.append(try await fixture.resolvedCase(by: handler)) }
            let resolved = cases
            _ = try await fixture.as(agent) { try $1.recordCallback(resolved[0], answer: .answered(solved: true, rating: .satisfied), on: $0) }
            _ = try await fixture.as(agent) { try $1.recordCallback(resolved[1], answer: .answered(solved: false, rating: .dissatisfied), on: $0) }
            let open = try await fixture.submit(CaseworkFixture.complaint(category: "020103", area: "420103001"))
            try await fixture.waitFor(open, .dispatched)
            try await fixture.client.withConnection { connection in while try fixture.store.rollUpFigures(on: connection) > 0 {} }
            try await log.seal(batch: 1_000)
            let lines = try await fixture.client.withConnection { connection in
                var lines: [String] = []
                _ = try fixture.store.exportLog(origin: log.key.name, on: connection) { lines.append($0) }
                return lines
            }
            let reading = LogExport.verify(lines: lines.map { Substring($0) }, key: log.key.verifierKey, keepEvents: true)
            #expect(reading.verification.proven)
            let today = try await fixture.client.withConnection { try fixture.store.today(on: $0) }
            for dimension in FigureUnit.Dimension.allCases {
                let query = FigureQuery(period: FigurePeriod.month(of: today), dimension: dimension)
                let stored = try await fixture.client.withConnection { try fixture.store.figureRows(query, on: $0) }
                let recomputed = FigureRecomputation.counts(events: reading.events, query: query, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
                #expect(!stored.isEmpty)
                #expect(Set(stored.map(\.unit)) == Set(recomputed.keys), "\(dimension)")
                for row in stored {
                    #expect(recomputed[row.unit] == row.counts, "\(dimension) \(row.unit.key) \(row.unit.role)")
                }
            }
        }
    }

    struct EventLine: Decodable {
        struct Event: Decodable { let id: Int64 }
        let event: Event
    }
}
